using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>Parameter initialisation. The paper (Section 5) draws every parameter from N(0, 0.01).</summary>
public static class Init
{
    /// <summary>Fills every parameter (weights and biases) with <c>N(0, std²)</c> samples.</summary>
    public static void Normal(IEnumerable<Parameter> parameters, float std, Rng rng)
    {
        foreach (var p in parameters) rng.FillNormal(p.Value.Span, 0f, std);
    }
}
