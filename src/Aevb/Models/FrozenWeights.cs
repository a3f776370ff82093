namespace Aevb.Models;

/// <summary>
/// The scope of <see cref="Decoder.FreezeWeights"/>: disposing it puts <see cref="Decoder.WeightsFrozen"/> back as it
/// was (a struct, so a <c>using</c> block allocates nothing; <c>default</c> is a scope that does nothing).
/// </summary>
public readonly struct FrozenWeights(Decoder? decoder, bool previous) : IDisposable
{
    public void Dispose()
    {
        if (decoder is not null) decoder.WeightsFrozen = previous;
    }
}
