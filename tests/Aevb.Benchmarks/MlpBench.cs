using System.Diagnostics;
using System.Numerics.Tensors;
using Aevb.Nn;
using Aevb.Tensors;
using Tensor = Aevb.Tensors.Tensor;

namespace Aevb.Benchmarks;

/// <summary>
/// Samples/s of one training step of the paper's MNIST VAE shape, built from the Nn modules alone:
/// encoder 784-H (tanh) with μ and log σ² heads, reparameterised z, decoder Nz-H (tanh)-784 logits,
/// the exact Bernoulli and KL gradients (the loss value itself is not needed for timing), and an
/// Adagrad update with weight decay, on a random 100-sample minibatch gathered from 10,000 stored rows.
/// This is the work PyTorch does in bench/torch_vae.py, so the two numbers compare.
/// </summary>
internal static class MlpBench
{
    private const int Batch = 100;
    private const int Input = 784;

    public static void Run(Options options)
    {
        var step = new VaeStep(options.Hidden, options.Latent, seed: 1);
        for (var i = 0; i < 30; i++) step.Step(); // warm-up like the PyTorch script
        var samples = new List<double>(options.Repeats);
        var cpuSamples = new List<double>(options.Repeats);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var r = 0; r < options.Repeats; r++)
        {
            var cpu = CpuClock.ProcessSeconds();
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < options.Steps; i++) step.Step();
            samples.Add(options.Steps * Batch / Stats.Seconds(Stopwatch.GetTimestamp() - start));
            cpuSamples.Add(options.Steps * Batch / (CpuClock.ProcessSeconds() - cpu));
        }
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var phases = step.Phases;
        samples.Sort();
        Console.WriteLine($"VAE step 784-{options.Hidden}-{options.Latent}, M={Batch}: median {Stats.Median(samples):F0} samples/s " +
            $"(min {samples[0]:F0}, best {samples[^1]:F0}; {options.Repeats} repeats of {options.Steps} steps; {allocated} bytes allocated while timed)");
        Console.WriteLine($"  per CPU-second of the process (all threads, spinning included): median {Stats.Median(cpuSamples):F0} samples");
        var (jobs, stalls) = WorkerPool.Statistics;
        if (jobs > 0) Console.WriteLine($"  parallel jobs {jobs}, stalled on a preempted worker {stalls} (each stall runs the next jobs on one thread)");
        var total = phases.Sum();
        Console.WriteLine($"  time split: gather+zero {phases[0] / total:P0}, forward {phases[1] / total:P0}, backward {phases[2] / total:P0}, update {phases[3] / total:P0}");
        // Weight gradients written over deferred-cleared memory vs cleared then added into (same results).
        HmcBench.CompareInterleaved("VAE step: deferred / eager gradient clearing", options,
            () => { Parameter.DeferZeroing = true; step.Step(); }, () => { Parameter.DeferZeroing = false; step.Step(); });
        Parameter.DeferZeroing = true;
    }

    /// <summary>
    /// One fused pass of Adagrad with weight decay, <c>g += wd·w; s += g²; w −= lr·g/(√s + ε)</c>, over a
    /// parameter's chunk; large parameters are shared between the cores with <see cref="Engine.ParallelFor"/>.
    /// </summary>
    private sealed class AdagradBody : IRangeBody
    {
        public float[] W = [], G = [], S = [];
        public float Lr, Wd, Eps;

        public void Invoke(int start, int end)
        {
            var w = W.AsSpan(start, end - start);
            var grad = G.AsSpan(start, end - start);
            var s = S.AsSpan(start, end - start);
            var vw = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(w);
            var vg = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(grad);
            var vs = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(s);
            System.Numerics.Vector<float> vlr = new(Lr), vwd = new(Wd), veps = new(Eps);
            for (var k = 0; k < vw.Length; k++)
            {
                var g = vg[k] + vwd * vw[k];
                var ss = vs[k] + g * g;
                vs[k] = ss;
                vw[k] -= vlr * g / (System.Numerics.Vector.SquareRoot(ss) + veps);
            }
            for (var i = vw.Length * System.Numerics.Vector<float>.Count; i < w.Length; i++)
            {
                var g = grad[i] + Wd * w[i];
                s[i] += g * g;
                w[i] -= Lr * g / (MathF.Sqrt(s[i]) + Eps);
            }
        }
    }

    internal sealed class VaeStep
    {
        private readonly Linear _encHidden, _mu, _logVar, _decHidden, _decOut;
        private readonly Sequential _encoder, _decoder;
        private readonly Parameter[] _parameters;
        private readonly Tensor[] _sumSquares;
        private readonly float[] _data;
        private readonly Rng _rng;
        private readonly Tensor _x, _eps, _sigma, _z, _dLogits, _dMu, _dLogVar, _dH;
        private readonly int _rows = 10_000;
        private readonly AdagradBody _adagrad = new() { Lr = 0.02f, Wd = 1f / 60000, Eps = 1e-10f };

        public VaeStep(int hidden, int latent, ulong seed)
        {
            _rng = new Rng(seed);
            _encHidden = new Linear(Input, hidden);
            _mu = new Linear(hidden, latent);
            _logVar = new Linear(hidden, latent);
            _decHidden = new Linear(latent, hidden);
            _decOut = new Linear(hidden, Input);
            _encoder = new Sequential(_encHidden, new Nn.Tanh()) { RequiresInputGrad = false };
            _decoder = new Sequential(_decHidden, new Nn.Tanh(), _decOut);
            _parameters = [.. _encoder.Parameters(), .. _mu.Parameters(), .. _logVar.Parameters(), .. _decoder.Parameters()];
            Init.Normal(_parameters, 0.01f, _rng);
            _sumSquares = _parameters.Select(p => new Tensor(p.Value.Rows, p.Value.Cols)).ToArray();
            _data = new float[_rows * Input];
            _rng.FillUniform(_data);
            _x = new Tensor(Batch, Input);
            _eps = new Tensor(Batch, latent);
            _sigma = new Tensor(Batch, latent);
            _z = new Tensor(Batch, latent);
            _dLogits = new Tensor(Batch, Input);
            _dMu = new Tensor(Batch, latent);
            _dLogVar = new Tensor(Batch, latent);
            _dH = new Tensor(Batch, hidden);
        }

        /// <summary>Seconds spent in: batch gather + zeroing grads, forward, backward, optimizer update.</summary>
        public readonly double[] Phases = new double[4];

        public void Step()
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < Batch; i++)
                _data.AsSpan(_rng.NextInt(_rows) * Input, Input).CopyTo(_x.Row(i));
            foreach (var p in _parameters) p.ZeroGrad();

            var t1 = Stopwatch.GetTimestamp();
            // Forward: q(z|x), reparameterised sample, p(x|z) logits.
            var h = _encoder.Forward(_x);
            var mu = _mu.Forward(h);
            var logVar = _logVar.Forward(h);
            _rng.FillNormal(_eps.Span);
            TensorPrimitives.Multiply(logVar.Span, 0.5f, _sigma.Span);
            TensorPrimitives.Exp(_sigma.Span, _sigma.Span);
            TensorPrimitives.MultiplyAdd(_sigma.Span, _eps.Span, mu.Span, _z.Span);
            var logits = _decoder.Forward(_z);

            var t2 = Stopwatch.GetTimestamp();
            // Backward of −ELBO/M: Bernoulli term d/dlogits = sigmoid(logits) − x; KL term on μ, log σ².
            TensorPrimitives.Sigmoid(logits.Span, _dLogits.Span);
            TensorPrimitives.Subtract(_dLogits.Span, _x.Span, _dLogits.Span);
            TensorPrimitives.Multiply(_dLogits.Span, 1f / Batch, _dLogits.Span);
            var dz = _decoder.Backward(_dLogits);
            // dμ = dz + μ ; d log σ² = ½ dz ε σ + ½ (σ² − 1), all over M.
            TensorPrimitives.MultiplyAdd(mu.Span, 1f / Batch, dz.Span, _dMu.Span);
            TensorPrimitives.Multiply(dz.Span, _eps.Span, _dLogVar.Span);
            TensorPrimitives.Multiply(_dLogVar.Span, _sigma.Span, _dLogVar.Span);
            TensorPrimitives.Multiply(_dLogVar.Span, 0.5f, _dLogVar.Span);
            for (var i = 0; i < _sigma.Length; i++)
                _dLogVar.Span[i] += 0.5f / Batch * (_sigma.Span[i] * _sigma.Span[i] - 1f);
            var dh1 = _mu.Backward(_dMu);
            _dH.CopyFrom(dh1);
            var dh2 = _logVar.Backward(_dLogVar);
            TensorPrimitives.Add(_dH.Span, dh2.Span, _dH.Span);
            _encoder.Backward(_dH);

            var t3 = Stopwatch.GetTimestamp();
            // Adagrad with weight decay from the N(0, I) prior (as torch.optim.Adagrad(weight_decay)).
            for (var i = 0; i < _parameters.Length; i++)
            {
                _adagrad.W = _parameters[i].Value.Data;
                _adagrad.G = _parameters[i].Grad.Data;
                _adagrad.S = _sumSquares[i].Data;
                Engine.ParallelFor(_adagrad.W.Length, _adagrad);
            }
            var t4 = Stopwatch.GetTimestamp();
            Phases[0] += Stats.Seconds(t1 - t0);
            Phases[1] += Stats.Seconds(t2 - t1);
            Phases[2] += Stats.Seconds(t3 - t2);
            Phases[3] += Stats.Seconds(t4 - t3);
        }
    }
}
