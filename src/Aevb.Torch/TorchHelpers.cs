using Aevb.Data;
using Aevb.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Aevb.Torch;

/// <summary>
/// Minibatches of a data tensor in random order, a new order each epoch (as our engine's trainer draws them): what a
/// TorchSharp training loop feeds its model.
/// </summary>
public sealed class TorchMinibatches(Tensor data, int batchSize = 100)
{
    private readonly long _count = data.shape[0];
    private Tensor? _order;
    private long _start;

    /// <summary>The next minibatch, <c>[batchSize, features]</c> (a new random order after each full pass).</summary>
    public Tensor Next()
    {
        if (_order is null || _start + batchSize > _count)
        {
            _order?.Dispose();
            _order = randperm(_count).DetachFromDisposeScope();
            _start = 0;
        }
        var batch = data.index(_order.narrow(0, _start, batchSize));
        _start += batchSize;
        return batch;
    }
}

/// <summary>Scoring TorchSharp models with the project's evaluators.</summary>
public static class TorchEvaluation
{
    /// <summary>
    /// The test log-likelihood estimate of the importance-weighted bound with <paramref name="k"/> samples per image, averaged
    /// over the first <paramref name="images"/> test images (50 at a time), under seed <paramref name="seed"/>.
    /// </summary>
    public static double LogLikelihood(TorchVae model, Dataset test, int images, int k, long seed = 2014)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        torch.manual_seed(seed);
        var x = tensor(test.Take(images).X, [images, test.Features]);
        double sum = 0;
        for (var i = 0; i < images; i += 50)   // 50 images x k samples at a time
        {
            using var chunk = NewDisposeScope();
            sum += model.ImportanceWeightedBound(x.narrow(0, i, 50), randn(50 * k, model.Config.LatentSize)).sum().item<float>();
        }
        return sum / images;
    }

    /// <summary>
    /// An engine <see cref="Vae"/> with the weights of a TorchSharp module whose parameter names are ours with <c>_</c>
    /// for <c>.</c> after <c>encoder</c>/<c>decoder</c> (e.g. <c>encoder_hidden.weight</c> → <c>encoder.hidden.weight</c>).
    /// </summary>
    public static Vae ToEngine(nn.Module model, VaeConfig config)
    {
        var vae = new Vae(config);
        foreach (var (name, p) in model.named_parameters())
        {
            var engineName = name.Replace("encoder_", "encoder.").Replace("decoder_", "decoder.");
            p.detach().contiguous().data<float>().CopyTo(vae.GetParameter(engineName).Value.Data);
        }
        return vae;
    }
}
