using Aevb.Inference;
using Aevb.Models;
using Aevb.Tensors;

namespace Aevb.Tests.Baselines;

public class WakeSleepTests
{
    private static (Vae Model, WakeSleep Method, double[] Wake, double[] Sleep) Train(Tensor data, ulong seed, int epochs)
    {
        var model = Vae.Create(new VaeConfig(784, 100, 5), 0.01f, new Rng(seed));
        var method = new WakeSleep(model, learningRate: 0.02f);
        var rng = new Rng(seed + 1);
        const int m = 100;
        var order = Enumerable.Range(0, data.Rows).ToArray();
        var batch = new Tensor(m, 784);
        var wake = new List<double>();
        var sleep = new List<double>();
        for (var e = 0; e < epochs; e++)
        {
            rng.Shuffle(order);
            for (var b = 0; b + m <= data.Rows; b += m)
            {
                MnistSubset.Gather(data, order.AsSpan(b, m), batch);
                method.Step(batch, (float)data.Rows / m, rng);
                wake.Add(method.LastWakeObjective);
                sleep.Add(method.LastSleepObjective);
            }
        }
        return (model, method, wake.ToArray(), sleep.ToArray());
    }

    [Fact]
    public void ImprovesBothPhasesAndTheLowerBoundOnAnMnistSubset()
    {
        var data = MnistSubset.First(1000);
        var before = new LowerBoundEvaluator(Vae.Create(new VaeConfig(784, 100, 5), 0.01f, new Rng(3))).Evaluate(data.Span, new Rng(9));
        var (model, _, wake, sleep) = Train(data, seed: 3, epochs: 10);
        var after = new LowerBoundEvaluator(model).Evaluate(data.Span, new Rng(9));

        // The wake phase climbs log p(x, z) and the sleep phase log q(z | x_dream); the bound they never optimise
        // directly rises too (from about −543 nats at initialisation).
        Assert.True(wake[^10..].Average() > wake[..10].Average() + 100, $"wake: {wake[..10].Average():F1} → {wake[^10..].Average():F1}");
        Assert.True(sleep[^10..].Average() > sleep[..10].Average() + 1, $"sleep: {sleep[..10].Average():F2} → {sleep[^10..].Average():F2}");
        Assert.True(after > before + 100, $"lower bound {before:F1} → {after:F1}");
        Assert.All(wake.Concat(sleep), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void SameSeedSameParameters()
    {
        var data = MnistSubset.First(200);
        var a = Train(data, seed: 5, epochs: 1).Model;
        var b = Train(data, seed: 5, epochs: 1).Model;
        var c = Train(data, seed: 6, epochs: 1).Model;
        for (var i = 0; i < a.Parameters.Count; i++) Assert.Equal(a.Parameters[i].Value.Data, b.Parameters[i].Value.Data);
        Assert.NotEqual(a.Parameters[0].Value.Data, c.Parameters[0].Value.Data);
    }

    [Fact]
    public void SleepGradientMatchesFiniteDifferences()
    {
        var model = Vae.Create(new VaeConfig(6, 5, 3, DecoderKind.Bernoulli), 0.5f, new Rng(21));
        var method = new WakeSleep(model);
        var rng = new Rng(22);
        var z = new Tensor(4, 3);
        rng.FillNormal(z.Span);
        var dream = new Tensor(4, 6);
        method.Dream(z, dream, rng);
        Assert.All(dream.Data, v => Assert.True(v is 0f or 1f)); // Bernoulli dreams are binary

        const float scale = 2f;
        method.SleepGradient(z, dream, scale);
        foreach (var (name, p) in model.Encoder.NamedParameters())
        {
            var analytic = p.Grad.Data.ToArray();
            for (var k = 0; k < p.Value.Length; k += 3)
            {
                var old = p.Value.Data[k];
                const float h = 1e-3f;
                p.Value.Data[k] = old + h;
                var up = -scale * 4 * (double)method.SleepGradient(z, dream, scale);
                p.Value.Data[k] = old - h;
                var down = -scale * 4 * (double)method.SleepGradient(z, dream, scale);
                p.Value.Data[k] = old;
                var numeric = (up - down) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[k]) < 2e-2 * Math.Max(1, Math.Abs(numeric)),
                    $"encoder.{name}[{k}]: analytic {analytic[k]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void DreamMeansAreTheBernoulliDecodersMeans()
    {
        var model = Vae.Create(new VaeConfig(6, 5, 3, DecoderKind.Bernoulli), 0.5f, new Rng(21));
        var method = new WakeSleep(model) { DreamMeans = true };
        var z = new Tensor(4, 3);
        new Rng(22).FillNormal(z.Span);
        var dream = new Tensor(4, 6);
        method.Dream(z, dream, new Rng(23));
        var mean = model.Decoder.Forward(z);
        Assert.Equal(mean.Data.ToArray(), dream.Data.ToArray());
        Assert.Contains(dream.Data.ToArray(), v => v is > 0f and < 1f);
    }

    [Fact]
    public void GaussianDecoderDreamsAreContinuous()
    {
        var model = Vae.Create(new VaeConfig(6, 5, 2, DecoderKind.Gaussian), 0.5f, new Rng(23));
        var method = new WakeSleep(model);
        var rng = new Rng(24);
        var z = new Tensor(50, 2);
        rng.FillNormal(z.Span);
        var dream = new Tensor(50, 6);
        method.Dream(z, dream, rng);
        Assert.True(dream.Data.Distinct().Count() > 250);
        var x = new Tensor(10, 6);
        rng.FillUniform(x.Span);
        method.Step(x, 1f, rng);
        Assert.True(float.IsFinite(method.LastWakeObjective) && float.IsFinite(method.LastSleepObjective));
    }
}
