using System.Diagnostics;
using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Benchmarks;

/// <summary>
/// Where the time of Monte Carlo EM and the Appendix D estimator goes, for the Figure 3 decoder shape
/// (Nz-H-784 Bernoulli): the decoder's forward pass, its log-likelihood, its z-gradient, and an MCEM step
/// and an HMC transition as a whole, each timed separately (median over repeats, ms per call).
/// </summary>
internal static class HmcBench
{
    public static void Run(Options options)
    {
        int latent = options.Latent == 20 ? 3 : options.Latent, hidden = options.Hidden == 500 ? 100 : options.Hidden;
        var rng = new Rng(1);
        var model = Vae.Create(new VaeConfig(784, hidden, latent), 0.01f, rng);
        var decoder = model.Decoder;
        var only = options.Shape; // --shape mcem | eval | decoder: one part only (for a profiler)
        foreach (var rows in only is null or "decoder" ? new[] { 100, 1000 } : [])
        {
            var x = new Tensor(rows, 784);
            rng.FillUniform(x.Span);
            for (var i = 0; i < x.Span.Length; i++) x.Span[i] = x.Span[i] < 0.3f ? 1f : 0f;
            var z = new Tensor(rows, latent);
            rng.FillNormal(z.Span);
            var logLik = new float[rows];
            var joint = new DecoderLatentModel(decoder);
            var grad = new Tensor(rows, latent);
            Report($"rows {rows}: decoder forward", options, () => decoder.Forward(z));
            CompareInterleaved($"rows {rows}: forward, bias fused / separate", options,
                () => { Sgemm.FuseBias = true; decoder.ForwardForLikelihood(z); },
                () => { Sgemm.FuseBias = false; decoder.ForwardForLikelihood(z); });
            if (decoder is BernoulliMlpDecoder bd) ReportLayers(bd, z, x, options);
            Report($"rows {rows}: log-likelihood", options, () => decoder.LogLikelihood(x, logLik));
            Report($"rows {rows}: z-gradient (backward)", options, () => decoder.Backward(x, 1f, parameterGrads: false));
            Report($"rows {rows}: log p(x,z) and gradient", options, () => joint.LogJoint(x, z, logLik, grad));
            var hmc = new Hmc(new LatentPosterior(joint, x), leapfrogSteps: 10);
            hmc.Initialize(z);
            Report($"rows {rows}: HMC transition (10 leapfrog)", options, () => hmc.Step(rng));
        }
        if (only is null or "eval") CompareOneDatapoint(decoder, latent, rng, options);
        if (only is null or "mcem")
        {
            const int n = 1000, m = 100;
            var data = new Tensor(n, 784);
            rng.FillUniform(data.Span);
            var mcem = new MonteCarloEm(decoder, n, rng);
            var batch = new Tensor(m, 784);
            var indices = new int[m];
            var pos = 0;
            void Step()
            {
                for (var r = 0; r < m; r++, pos = (pos + 1) % n)
                {
                    indices[r] = pos;
                    data.Row(pos).CopyTo(batch.Row(r));
                }
                mcem.Step(batch, indices, n / (float)m, rng);
            }
            Report("MCEM step, M = 100", options, Step);
            // The M-step's first update with and without the E-step's pass, alternating (same bits either way).
            CompareInterleaved("MCEM step: reuse the sampler's pass / recompute", options,
                () => { mcem.ReuseSamplerPass = true; Step(); }, () => { mcem.ReuseSamplerPass = false; Step(); });
            CompareInterleaved("MCEM step: bias fused / separate", options,
                () => { Sgemm.FuseBias = true; Step(); }, () => { Sgemm.FuseBias = false; Step(); });
            Sgemm.FuseBias = true;
        }
        if (only is null or "eval")
        {
            var x = new Tensor(10, 784);
            rng.FillUniform(x.Span);
            var estimator = new HmcMarginalLikelihood(new DecoderLatentModel(decoder))
            {
                Samples = 200, ChainsPerPoint = 10, WarmupSteps = 100, FittedProposalSamples = 5000,
            };
            var watch = Stopwatch.StartNew();
            var (d, f) = estimator.EstimateWithCheck(x, rng);
            Console.WriteLine($"Appendix D, 10 points, figure settings: {watch.Elapsed.TotalSeconds:F2} s (log p = {d.Mean:F3}, fit {f!.Mean:F3})");
        }
    }

    /// <summary>
    /// The Appendix D candidates' pass (2000 prior draws scored against one datapoint, forward-only): the datapoint
    /// read in place against copied into every row first, as before, alternating.
    /// </summary>
    private static void CompareOneDatapoint(Decoder decoder, int latent, Rng rng, Options options)
    {
        const int rows = 2000;
        var joint = new DecoderLatentModel(decoder);
        var x = new float[decoder.OutputSize];
        for (var i = 0; i < x.Length; i++) x[i] = rng.NextFloat() < 0.3f ? 1f : 0f;
        var copies = new Tensor(rows, x.Length);
        var z = new Tensor(rows, latent);
        rng.FillNormal(z.Span);
        var logJoint = new float[rows];
        CompareInterleaved("2000 candidates: one datapoint in place / copied", options,
            () => joint.LogJoint(x, z, logJoint),
            () =>
            {
                for (var r = 0; r < rows; r++) x.CopyTo(copies.Row(r));
                joint.LogJoint(copies, z, logJoint, null);
            });
    }

    /// <summary>The decoder pass's parts one by one: which of them the matrix products do not explain.</summary>
    private static void ReportLayers(BernoulliMlpDecoder decoder, Tensor z, Tensor x, Options options)
    {
        int rows = z.Rows, hidden = decoder.Hidden.OutFeatures;
        var tanh = new Aevb.Nn.Tanh();
        var h = tanh.Forward(decoder.Hidden.Forward(z));
        var logits = decoder.Out.Forward(h);
        var gl = new Tensor(rows, decoder.OutputSize);
        var gh = new Tensor(rows, hidden);
        var ga = new Tensor(rows, hidden);
        var dz = new Tensor(rows, decoder.LatentSize);
        var wg = new Tensor(decoder.OutputSize, hidden);
        Report($"rows {rows}:   hidden layer + tanh (K = {z.Cols})", options,
            () => tanh.Forward(decoder.Hidden.Forward(z)));
        Report($"rows {rows}:     of which the product", options, () => decoder.Hidden.Forward(z));
        Report($"rows {rows}:   output layer product", options, () => decoder.Out.Forward(h));
        Report($"rows {rows}:   (x - sigmoid(l))", options, () =>
        {
            for (var r = 0; r < rows; r++) Kernels.BernoulliGradLogits(logits.Row(r), x.Row(r), 1f, gl.Row(r));
        });
        Report($"rows {rows}:   output input-gradient product", options, () => decoder.Out.InputGradient(gl, gh));
        Report($"rows {rows}:   output weight-gradient product", options, () => Gemm.MatMulTransposeA(gl, h, wg));
        Report($"rows {rows}:   tanh backward + hidden input gradient", options, () =>
        {
            Kernels.TanhBackward(h.Data, gh.Data, ga.Data);
            decoder.Hidden.InputGradient(ga, dz);
        });
    }

    /// <summary>
    /// Two variants of one step in alternating blocks of ~<c>--ms</c> each (neighbours' load and cache pollution hit
    /// both alike): median process-CPU ms per call of each, and the median over block pairs of the ratio b / a.
    /// </summary>
    internal static void CompareInterleaved(string name, Options options, Action a, Action b)
    {
        for (var i = 0; i < 5; i++) { a(); b(); }
        var ta = new List<double>();
        var tb = new List<double>();
        var ratios = new List<double>();
        for (var r = 0; r < options.Repeats; r++)
        {
            ta.Add(CpuMsPerCall(a, options.Milliseconds));
            tb.Add(CpuMsPerCall(b, options.Milliseconds));
            ratios.Add(tb[^1] / ta[^1]);
        }
        Console.WriteLine($"{name,-45} CPU ms {Stats.Median(ta):F3} / {Stats.Median(tb):F3}: speed-up {Stats.Median(ratios):F3} "
            + $"(quartiles {Quantile(ratios, 0.25):F3}-{Quantile(ratios, 0.75):F3}, {options.Repeats} block pairs)");
    }

    private static double CpuMsPerCall(Action body, int milliseconds)
    {
        var start = Stopwatch.GetTimestamp();
        var cpu = CpuClock.ProcessSeconds();
        var calls = 0;
        do { body(); calls++; } while (Stats.Seconds(Stopwatch.GetTimestamp() - start) < milliseconds / 1000.0);
        return (CpuClock.ProcessSeconds() - cpu) / calls * 1000;
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }

    private static void Report(string name, Options options, Action body)
    {
        for (var i = 0; i < 5; i++) body();
        var times = new List<double>();
        var cpuTimes = new List<double>();
        for (var r = 0; r < options.Repeats; r++)
        {
            var start = Stopwatch.GetTimestamp();
            var cpu = CpuClock.ProcessSeconds();
            var calls = 0;
            do { body(); calls++; } while (Stats.Seconds(Stopwatch.GetTimestamp() - start) < options.Milliseconds / 1000.0);
            times.Add(Stats.Seconds(Stopwatch.GetTimestamp() - start) / calls * 1000);
            cpuTimes.Add((CpuClock.ProcessSeconds() - cpu) / calls * 1000);
        }
        var min = times.Min();
        Console.WriteLine($"{name,-45} median {Stats.Median(times),8:F3} ms, min {min,8:F3} ms, process CPU {Stats.Median(cpuTimes),8:F3} ms");
    }
}
