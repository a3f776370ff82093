using Aevb.Nn;
using Aevb.Optim;
using Aevb.Tensors;
using Aevb.Tests.Training;

namespace Aevb.Tests.Nn;

/// <summary>
/// Parameter.ZeroGrad defers the clearing (a weight gradient product then overwrites instead of adding into cleared
/// memory): gradients, optimiser steps and reads give what clearing at once gives.
/// </summary>
[Collection(nameof(NonParallel))]
public class ParameterTests
{
    [Fact]
    public void ADeferredClearReadsAsZeros()
    {
        var p = new Parameter(3, 4);
        p.Grad.Span.Fill(2f);
        p.ZeroGrad();
        Assert.All(p.Grad.Data, v => Assert.Equal(0f, v));
        p.Grad.Span.Fill(1f); // written through Grad after the clear: kept, not cleared again
        Assert.All(p.Grad.Data, v => Assert.Equal(1f, v));
    }

    /// <summary>Two backward passes per step (added together) and an update, several steps, deferred vs eager.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DeferredClearingGivesTheBitsOfEagerClearing(int threads)
    {
        float[] Run(bool defer)
        {
            var saved = (Parameter.DeferZeroing, Engine.NumThreads);
            Parameter.DeferZeroing = defer;
            Engine.NumThreads = threads;
            try
            {
                var rng = new Rng(3);
                var layer = new Linear(37, 29);
                Init.Normal(layer.Parameters(), 0.1f, rng);
                var optimizer = new Adagrad(layer.Parameters(), weightDecay: 0.5f);
                var x = new Tensor(11, 37);
                var g = new Tensor(11, 29);
                var result = new List<float>();
                for (var step = 0; step < 4; step++)
                {
                    optimizer.ZeroGrad();
                    for (var pass = 0; pass < (step == 2 ? 0 : 2); pass++) // step 2: an update on cleared gradients
                    {
                        rng.FillNormal(x.Span);
                        rng.FillNormal(g.Span);
                        layer.Forward(x);
                        layer.Backward(g);
                    }
                    result.AddRange(layer.Weight.Grad.Data);
                    optimizer.Step();
                }
                result.AddRange(layer.Weight.Value.Data);
                result.AddRange(layer.Bias.Value.Data);
                return result.ToArray();
            }
            finally
            {
                (Parameter.DeferZeroing, Engine.NumThreads) = saved;
            }
        }
        Assert.Equal(Run(defer: false), Run(defer: true));
    }
}
