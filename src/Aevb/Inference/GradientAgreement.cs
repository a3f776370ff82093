namespace Aevb.Inference;

/// <summary>
/// How far the minibatch gradients of estimators A, B and the score function
/// (<see cref="EstimatorVariance.Gradient"/>, all three under one draw of ε) are apart, per parameter group: notebook
/// 02's check that the decoder's gradient is the same for all three (θ appears only in log p(x|z)) while the encoder's
/// differs.
/// </summary>
public sealed record GradientAgreement(
    double DecoderAVersusB, double DecoderAVersusScore, double LargestDecoder,
    double EncoderAVersusB, double EncoderAVersusScore, double LargestEncoder)
{
    /// <summary>The largest difference of the decoder's gradient between A and either other estimator.</summary>
    public double DecoderDifference => Math.Max(DecoderAVersusB, DecoderAVersusScore);

    /// <summary>
    /// Compares the gradients of A, B and the score function; the largest entries (A's for θ, B's for φ) give the scale
    /// the differences are read against.
    /// </summary>
    public static GradientAgreement Of((float[] Encoder, float[] Decoder) a, (float[] Encoder, float[] Decoder) b,
        (float[] Encoder, float[] Decoder) score) => new(
            MaxAbsDifference(a.Decoder, b.Decoder), MaxAbsDifference(a.Decoder, score.Decoder), MaxAbs(a.Decoder),
            MaxAbsDifference(a.Encoder, b.Encoder), MaxAbsDifference(a.Encoder, score.Encoder), MaxAbs(b.Encoder));

    /// <summary>max_k |u_k − v_k|, in double.</summary>
    public static double MaxAbsDifference(float[] u, float[] v)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        if (u.Length != v.Length)
            throw new ArgumentException($"Gradients of {u.Length} and {v.Length} values.", nameof(v));
        double max = 0;
        for (var k = 0; k < u.Length; k++) max = Math.Max(max, Math.Abs((double)u[k] - v[k]));
        return max;
    }

    /// <summary>max_k |u_k|, in double.</summary>
    public static double MaxAbs(float[] u)
    {
        ArgumentNullException.ThrowIfNull(u);
        double max = 0;
        foreach (var v in u) max = Math.Max(max, Math.Abs((double)v));
        return max;
    }

    /// <summary>One row per parameter group: the two differences and the largest entry.</summary>
    public Plotting.Table ToTable() =>
        new Plotting.Table("parameters", "max |∇ A − ∇ B|", "max |∇ A − ∇ score|", "largest |∇|")
            .WithFormats(null, "G3", "G3", "G3")
            .AddRow("decoder θ", DecoderAVersusB, DecoderAVersusScore, LargestDecoder)
            .AddRow("encoder φ", EncoderAVersusB, EncoderAVersusScore, LargestEncoder);
}
