using Aevb.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Aevb.Torch;

/// <summary>
/// The paper's training loop (Section 5) for any TorchSharp module and bound: what notebook 06 trains its own VAE, the
/// library's <see cref="TorchVae"/> and the importance-weighted auto-encoder with.
/// </summary>
public static class TorchTraining
{
    /// <summary>
    /// Adagrad with step size <paramref name="learningRate"/> on minibatches of <paramref name="batchSize"/> rows of
    /// <paramref name="data"/> (random order, a new one each epoch), <paramref name="count"/> samples in all. The
    /// loss is the mean negative <paramref name="bound"/> (one value per row), plus the paper's N(0, I) prior on the
    /// weights as weight decay 1/N. The curve records the mean minibatch bound per 1,000 samples.
    /// </summary>
    public static TrainingCurve Train(nn.Module model, Func<Tensor, Tensor> bound, Tensor data, long count, string name,
        double learningRate = 0.02, int batchSize = 100)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(data);
        var optimizer = optim.Adagrad(model.parameters(), lr: learningRate, weight_decay: 1.0 / data.shape[0]);
        var batches = new TorchMinibatches(data, batchSize);
        return TrainingCurve.Record(name, count, () =>
        {
            using var scope = NewDisposeScope();   // frees this step's tensors when the step ends
            var meanBound = bound(batches.Next()).mean();
            optimizer.zero_grad();
            (-meanBound).backward();   // descend the loss −bound
            optimizer.step();
            return meanBound.item<float>();
        }, batchSize);
    }
}
