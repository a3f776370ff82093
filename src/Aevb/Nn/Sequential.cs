using Aevb.Tensors;

namespace Aevb.Nn;

/// <summary>Modules applied in order; backward runs them in reverse. Children are named by index (<c>0.weight</c>) as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly Module[] _modules;

    public Sequential(params Module[] modules)
    {
        if (modules.Length == 0) throw new ArgumentException("Sequential needs at least one module.", nameof(modules));
        _modules = modules;
    }

    public IReadOnlyList<Module> Modules => _modules;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        foreach (var m in _modules) x = m.Forward(x);
        return x;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        _modules[0].RequiresInputGrad = RequiresInputGrad;
        var g = gradOutput;
        for (var i = _modules.Length - 1; i >= 0; i--) g = _modules[i].Backward(g);
        return g;
    }

    public override IEnumerable<(string, Parameter)> NamedParameters()
        => _modules.SelectMany((m, i) => Prefixed(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m));

    public override string ToString() => $"Sequential({string.Join(", ", _modules.Select(m => m.ToString()))})";
}
