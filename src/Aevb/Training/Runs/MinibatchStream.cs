using System.Globalization;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>
/// A figure run's two random streams: the minibatch order (a fresh shuffle of the training set per pass) and the
/// noise the method draws. Both are re-seeded from (seed, samples) at every evaluation and checkpoint interval, so a
/// run resumed from a checkpoint produces the same numbers as one never interrupted.
/// </summary>
internal sealed class MinibatchStream : IMinibatchSource
{
    /// <summary>Checkpoint metadata between reseeds (Ctrl+C): where the current segment of the streams began.</summary>
    public const string SegmentStartKey = "stream.segment_start";

    /// <summary>Checkpoint metadata between reseeds: the noise generator's state (<see
    /// cref="Rng.SaveState"/>).</summary>
    public const string NoiseKey = "stream.noise";

    private readonly Tensor _train;
    private readonly ulong _seed;
    private readonly EpochPermutation _order;
    private readonly int[] _indices;

    public MinibatchStream(Tensor train, int batchSize, ulong seed)
    {
        _train = train;
        _seed = seed;
        _order = new EpochPermutation(train.Rows);
        Batch = new Tensor(batchSize, train.Cols);
        _indices = new int[batchSize];
    }

    /// <summary>The current minibatch (reused: no allocation per step).</summary>
    public Tensor Batch { get; }

    /// <summary>Which training rows <see cref="Batch"/> holds.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <summary>The noise stream of the current segment.</summary>
    public Rng Noise { get; private set; } = null!;

    public long SegmentStart { get; private set; }

    /// <summary>Starts a segment at <paramref name="samples"/>: new streams, and a fresh permutation independent of the
    /// last.</summary>
    public void Reseed(long samples)
    {
        SegmentStart = samples;
        _order.Reset(new Rng(Mix(_seed, samples, 1)));
        Noise = new Rng(Mix(_seed, samples, 2));
    }

    /// <summary>
    /// Continues the segment that a Ctrl+C checkpoint cut short, exactly where it stopped: the minibatch stream is
    /// replayed from the segment's start (it only shuffles), the noise stream's state was saved as it was. False when
    /// <paramref name="noiseState"/> is no generator state.
    /// </summary>
    public bool Continue(long segmentStart, long samples, string noiseState)
    {
        Reseed(segmentStart);
        for (var r = segmentStart; r < samples; r++) _order.Next();
        return Noise.RestoreState(noiseState);
    }

    /// <summary>Fills <see cref="Batch"/> and <see cref="Indices"/> with the next minibatch.</summary>
    public void Next()
    {
        for (var r = 0; r < _indices.Length; r++)
        {
            _indices[r] = _order.Next();
            _train.Row(_indices[r]).CopyTo(Batch.Row(r));
        }
    }

    /// <summary>Where the streams stand, for a checkpoint taken between reseeds.</summary>
    public Dictionary<string, string> State() => new()
    {
        [SegmentStartKey] = SegmentStart.ToString(CultureInfo.InvariantCulture),
        [NoiseKey] = Noise.SaveState(),
    };

    /// <summary>A 64-bit seed from (seed, samples, stream), SplitMix64-style, so each segment's streams are
    /// independent.</summary>
    internal static ulong Mix(ulong seed, long samples, int stream)
    {
        var z = seed * 0x9E3779B97F4A7C15UL ^ (ulong)samples * 0xBF58476D1CE4E5B9UL ^ (ulong)stream * 0x94D049BB133111EBUL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
