namespace Aevb.Data;

/// <summary>
/// Which 190 of Frey Face's 1965 frames are the test set (the paper does not say; <see cref="FreyFace"/> explains
/// ours). All three keep 1775 training and 190 test frames, so only where the test frames come from differs.
/// </summary>
public enum FreySplit
{
    /// <summary>The last ten frames of every hundred (ours, the default).</summary>
    Blocks,

    /// <summary>190 frames drawn at random (seeded): almost every test frame has a near-copy, its neighbour in the
    /// video, in the training set.</summary>
    Random,

    /// <summary>The last 190 frames of the recording.</summary>
    Tail,
}
