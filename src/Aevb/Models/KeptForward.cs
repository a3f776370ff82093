using System.Runtime.InteropServices;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// A decoder's forward pass kept aside (its z, hidden activations and output pre-activations) so that a later pass
/// whose rows each come either from the current forward pass or from this one needs no arithmetic: the Monte Carlo
/// EM step's first weight update runs at the HMC samples, i.e. at the trajectory's end point for accepted chains
/// (the last pass of the E-step) and at its start for rejected ones (the pass kept here), with the weights unchanged.
/// </summary>
internal sealed class KeptForward
{
    private Tensor? _z, _h, _out;
    private bool _valid;

    public void Keep(Tensor z, Tensor h, Tensor output)
    {
        Tensor.Ensure(ref _z, z.Rows, z.Cols).CopyFrom(z);
        Tensor.Ensure(ref _h, h.Rows, h.Cols).CopyFrom(h);
        Tensor.Ensure(ref _out, output.Rows, output.Cols).CopyFrom(output);
        _valid = true;
    }

    /// <summary>
    /// Where each row of <paramref name="z"/> equals that row of <paramref name="currentZ"/> or of the kept z, copies
    /// the kept rows' <paramref name="h"/> and <paramref name="output"/> into the current ones and returns true;
    /// otherwise changes nothing and returns false. Either way the kept pass is used up.
    /// </summary>
    public bool TakeRows(Tensor z, Tensor currentZ, Tensor h, Tensor output)
    {
        if (!_valid) return false;
        _valid = false;
        var kz = _z!;
        if (!z.HasShape(kz.Rows, kz.Cols) || !currentZ.HasShape(kz.Rows, kz.Cols)
            || !h.HasShape(_h!.Rows, _h.Cols) || !output.HasShape(_out!.Rows, _out.Cols) || h.Rows != z.Rows)
            return false;
        for (var r = 0; r < z.Rows; r++)
            if (!SameBits(z.Row(r), currentZ.Row(r)) && !SameBits(z.Row(r), kz.Row(r)))
                return false;
        for (var r = 0; r < z.Rows; r++)
        {
            if (SameBits(z.Row(r), currentZ.Row(r))) continue;
            _h.Row(r).CopyTo(h.Row(r));
            _out.Row(r).CopyTo(output.Row(r));
        }
        return true;
    }

    // Bits, not values: -0 and +0 are equal floats but could take another path through the arithmetic.
    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));
}
