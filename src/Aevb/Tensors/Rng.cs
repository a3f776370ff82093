using System.Runtime.CompilerServices;

namespace Aevb.Tensors;

/// <summary>
/// The one random number generator of the engine: xoshiro256** (Blackman &amp; Vigna) seeded through
/// SplitMix64, so a seed gives the same stream on every machine and .NET version (unlike
/// <see cref="System.Random"/>, whose algorithm is an implementation detail). Gaussians come
/// from the Marsaglia polar method, two at a time. Not thread-safe: one per worker.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private float _spareGaussian;
    private bool _hasSpare;

    public Rng(ulong seed)
    {
        Seed = seed;
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    public ulong Seed { get; }

    /// <summary>A new generator whose stream is independent of this one (for a sub-task).</summary>
    public Rng Fork() => new(NextUInt64());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2⁻³² for the n used here).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>Standard normal sample.</summary>
    public float NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        var scale = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = (float)(v * scale);
        _hasSpare = true;
        return (float)(u * scale);
    }

    /// <summary>Fills <paramref name="values"/> with <c>N(mean, std²)</c> samples.</summary>
    public void FillNormal(Span<float> values, float mean = 0f, float std = 1f)
    {
        for (var i = 0; i < values.Length; i++) values[i] = mean + std * NextGaussian();
    }

    /// <summary>Fills <paramref name="values"/> with uniform samples in [0, 1).</summary>
    public void FillUniform(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++) values[i] = NextFloat();
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// The generator's whole state as text, for a checkpoint taken mid-stream (Ctrl+C) that must continue the same
    /// stream when resumed; <see cref="RestoreState"/> reads it back.
    /// </summary>
    public string SaveState()
    {
        var spare = BitConverter.SingleToUInt32Bits(_spareGaussian);
        return FormattableString.Invariant($"{_s0:x16}:{_s1:x16}:{_s2:x16}:{_s3:x16}:{(_hasSpare ? 1 : 0)}:{spare:x8}");
    }

    /// <summary>Sets the state saved by <see cref="SaveState"/>; false (state unchanged) when the text is not one.</summary>
    public bool RestoreState(string state)
    {
        var f = state.Split(':');
        if (f.Length != 6) return false;
        var words = new ulong[4];
        for (var i = 0; i < 4; i++)
            if (f[i].Length != 16 || !ulong.TryParse(f[i], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out words[i]))
                return false;
        if (f[4] is not ("0" or "1") || f[5].Length != 8
            || !uint.TryParse(f[5], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var spare))
            return false;
        if ((words[0] | words[1] | words[2] | words[3]) == 0) return false; // xoshiro's one invalid state
        (_s0, _s1, _s2, _s3) = (words[0], words[1], words[2], words[3]);
        _hasSpare = f[4] == "1";
        _spareGaussian = BitConverter.UInt32BitsToSingle(spare);
        return true;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
