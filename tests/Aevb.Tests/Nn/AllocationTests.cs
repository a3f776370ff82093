using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Tests.Nn;

/// <summary>Runs alone: GC.GetTotalAllocatedBytes counts every thread of the process.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

[Collection(nameof(AllocationCollection))]
public class AllocationTests
{
    /// <summary>
    /// The training loop's contract: after the first call with a given shape, Forward/Backward of the
    /// paper's MLPs (784-500-20 encoder, 20-500-784 decoder, batch 100) allocate nothing, on the
    /// calling thread or on the GEMM worker threads.
    /// </summary>
    [Fact]
    public void ForwardAndBackwardAllocateNothingInSteadyState()
    {
        var rng = new Rng(1);
        var encoder = new Sequential(new Linear(784, 500), new Tanh(), new Linear(500, 20)) { RequiresInputGrad = false };
        var decoder = new Sequential(new Linear(20, 500), new Tanh(), new Linear(500, 784), new Sigmoid());
        Init.Normal(encoder.Parameters(), 0.01f, rng);
        Init.Normal(decoder.Parameters(), 0.01f, rng);
        var x = new Tensor(100, 784);
        rng.FillUniform(x.Span);
        var gradOut = new Tensor(100, 784);
        rng.FillNormal(gradOut.Span);
        var parameters = encoder.Parameters().Concat(decoder.Parameters()).ToArray();

        void Step()
        {
            foreach (var p in parameters) p.ZeroGrad();
            var z = encoder.Forward(x);
            decoder.Forward(z);
            var dz = decoder.Backward(gradOut);
            encoder.Backward(dz);
        }

        AssertNoSteadyStateAllocations("MLP step", Step, steps: 20);
        Assert.Contains(parameters[0].Grad.Data, v => v != 0f); // the work was really done
    }

    [Fact]
    public void GemmAllocatesNothingInSteadyStateOnEveryPath()
    {
        var rng = new Rng(2);
        var a = new float[100 * 300];
        var b = new float[200 * 300];
        var c = new float[300 * 200];
        rng.FillUniform(a);
        rng.FillUniform(b);
        foreach (var isa in Enum.GetValues<SgemmIsa>().Where(Sgemm.IsSupported))
            foreach (var threads in new[] { 1, 2 })
            {
                AssertNoSteadyStateAllocations($"{isa} x{threads}", () =>
                {
                    Sgemm.Run(isa, threads, false, true, 100, 200, 300, a, 300, b, 300, c, 200, false);
                    Sgemm.Run(isa, threads, true, false, 300, 200, 100, a, 300, b, 200, c, 200, true);
                }, steps: 5);
            }
    }

    /// <summary>
    /// Runs <paramref name="step"/> until the first-call work (buffers, worker threads) and the JIT's
    /// tiering (it re-compiles hot methods after 30 calls) have settled, then counts bytes over
    /// <paramref name="steps"/> more calls.
    /// </summary>
    private static void AssertNoSteadyStateAllocations(string label, Action step, int steps)
    {
        for (var i = 0; i < 40; i++) step();
        Thread.Sleep(200);
        for (var i = 0; i < 40; i++) step();
        var (caller, workers, total) = Counters();
        for (var i = 0; i < steps; i++) step();
        var (caller2, workers2, total2) = Counters();
        // Our threads (the caller and the GEMM workers): exactly nothing.
        Assert.True(caller2 == caller, $"{label}: the calling thread allocated {caller2 - caller} bytes in {steps} steps");
        Assert.True(workers2 == workers, $"{label}: the GEMM workers allocated {workers2 - workers} bytes in {steps} steps");
        // The whole process: the runtime and the test runner allocate a few bytes now and then on
        // their own threads (timers, progress reporting), far less than any buffer or closure per step.
        Assert.True(total2 - total < 1024 * steps, $"{label}: {total2 - total} bytes allocated by the process in {steps} steps");
    }

    private static (long Caller, long Workers, long Total) Counters()
    {
        var workers = WorkerPool.WorkerAllocatedBytes(); // first, so the pool's static initialiser is not counted
        return (GC.GetAllocatedBytesForCurrentThread(), workers, GC.GetTotalAllocatedBytes(precise: true));
    }
}
