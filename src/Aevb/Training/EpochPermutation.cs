using Aevb.Tensors;

namespace Aevb.Training;

/// <summary>
/// Training-point indices in a fresh random order each pass over the data (an epoch), as both minibatch sources
/// draw them: the order is reshuffled, not restarted, so each epoch's permutation depends on the last.
/// </summary>
internal sealed class EpochPermutation(int count)
{
    private readonly int[] _order = new int[count];
    private int _position;
    private Rng _rng = null!;

    /// <summary>Starts over from the identity order with <paramref name="rng"/>; the first index reshuffles.</summary>
    public void Reset(Rng rng)
    {
        _rng = rng;
        for (var i = 0; i < _order.Length; i++) _order[i] = i;
        _position = _order.Length;
    }

    public int Next()
    {
        if (_position == _order.Length)
        {
            _rng.Shuffle(_order);
            _position = 0;
        }
        return _order[_position++];
    }
}
