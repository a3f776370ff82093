using Aevb.Data;
using Aevb.Tensors;
using Aevb.Tests.Data;

namespace Aevb.Tests.Baselines;

/// <summary>The first training images of MNIST (found through <see cref="TestData"/>), loaded once per test run.</summary>
internal static class MnistSubset
{
    private static readonly Lazy<Dataset> s_train = new(() => Mnist.Train(dataDirectory: TestData.Directory));

    /// <summary>The first <paramref name="count"/> training images, <c>[count, 784]</c>, a copy.</summary>
    public static Tensor First(int count)
    {
        var data = s_train.Value;
        var t = new Tensor(count, data.Features);
        data.X.AsSpan(0, count * data.Features).CopyTo(t.Span);
        return t;
    }

    /// <summary>Rows <paramref name="indices"/> of <paramref name="data"/> into <paramref name="batch"/>.</summary>
    public static void Gather(Tensor data, ReadOnlySpan<int> indices, Tensor batch)
    {
        for (var r = 0; r < indices.Length; r++) data.Row(indices[r]).CopyTo(batch.Row(r));
    }
}
