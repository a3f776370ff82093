using Aevb.Nn;
using Aevb.Tensors;

namespace Aevb.Models;

/// <summary>
/// The variational auto-encoder of the paper: prior p(z) = N(0, I), a <see cref="GaussianMlpEncoder"/>
/// q(z|x) and a <see cref="Decoder"/> p(x|z). Parameters are named as in a PyTorch state dict:
/// <c>encoder.hidden.weight</c>, ..., <c>decoder.out.bias</c> (weights <c>[out, in]</c>).
/// The estimators that train it live in <c>Aevb.Inference</c>.
/// </summary>
public sealed class Vae
{
    private readonly (string Name, Parameter Parameter)[] _named;
    private readonly Parameter[] _parameters;

    public Vae(VaeConfig config)
    {
        config.Validate();
        Config = config;
        Encoder = new GaussianMlpEncoder(config.InputSize, config.HiddenSize, config.LatentSize);
        Decoder = config.Decoder switch
        {
            DecoderKind.Bernoulli => new BernoulliMlpDecoder(config.LatentSize, config.HiddenSize, config.InputSize),
            _ => new GaussianMlpDecoder(config.LatentSize, config.HiddenSize, config.InputSize),
        };
        _named = Encoder.NamedParameters().Select(p => ("encoder." + p.Name, p.Parameter))
            .Concat(Decoder.NamedParameters().Select(p => ("decoder." + p.Name, p.Parameter)))
            .ToArray();
        _parameters = _named.Select(p => p.Parameter).ToArray();
    }

    /// <summary>A model with every parameter drawn from N(0, <paramref name="initStd"/>²) (the paper: Section 5).</summary>
    public static Vae Create(VaeConfig config, float initStd, Rng rng)
    {
        var model = new Vae(config);
        Init.Normal(model.Parameters, initStd, rng);
        return model;
    }

    public VaeConfig Config { get; }
    public GaussianMlpEncoder Encoder { get; }
    public Decoder Decoder { get; }
    public int InputSize => Config.InputSize;
    public int LatentSize => Config.LatentSize;

    /// <summary>All parameters in a fixed order (encoder first), with state-dict names.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => _named;

    /// <summary>All parameters in the order of <see cref="NamedParameters"/>.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Number of scalar parameters.</summary>
    public long ParameterCount => _parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Clears every gradient (no allocation once warm: safe inside the training step).</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.ZeroGrad();
    }

    /// <summary>The parameter named <paramref name="name"/> (e.g. <c>decoder.out.weight</c>).</summary>
    public Parameter GetParameter(string name)
    {
        foreach (var (n, p) in _named)
            if (n == name) return p;
        throw new KeyNotFoundException($"The model has no parameter named '{name}'.");
    }

    /// <summary>Copies every parameter value from <paramref name="other"/>, which must have the same config.</summary>
    public void CopyFrom(Vae other)
    {
        if (other.Config != Config) throw new ArgumentException($"Cannot copy a {other.Config} model into a {Config} model.", nameof(other));
        for (var i = 0; i < _parameters.Length; i++) _parameters[i].Value.CopyFrom(other._parameters[i].Value);
    }

    public override string ToString() => $"Vae({Config})";
}
