using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>
/// A layer with an explicit backward pass, as in micrograd but batched: <see cref="Forward"/>
/// keeps what <see cref="Backward"/> needs, and <see cref="Backward"/> returns the gradient with
/// respect to the input while adding parameter gradients into <see cref="Parameter.Grad"/>.
/// Returned tensors are the module's own buffers, reused on the next call: copy them to keep them.
/// </summary>
public abstract class Module
{
    /// <summary>
    /// Whether <see cref="Backward"/> must compute the input gradient. A first layer fed with data
    /// does not need it (saves a third of its backward cost); then <see cref="Backward"/> returns
    /// <see cref="Tensor.Empty"/>.
    /// </summary>
    public bool RequiresInputGrad { get; set; } = true;

    public abstract Tensor Forward(Tensor input);

    public abstract Tensor Backward(Tensor gradOutput);

    /// <summary>Parameters with PyTorch-style dotted names relative to this module (<c>hidden.weight</c>).</summary>
    public virtual IEnumerable<(string Name, Parameter Parameter)> NamedParameters() => [];

    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Prefixes child parameter names: <c>("hidden", linear)</c> gives <c>hidden.weight</c>, <c>hidden.bias</c>.</summary>
    protected static IEnumerable<(string, Parameter)> Prefixed(string prefix, Module child)
        => child.NamedParameters().Select(p => ($"{prefix}.{p.Name}", p.Parameter));
}
