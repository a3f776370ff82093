using Aevb.Inference;
using Aevb.Models;
using Aevb.Training;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Aevb.Torch;

/// <summary>
/// The recognition model q(z|x) = N(μ, diag σ²) of Appendix C.2 as a TorchSharp module:
/// <c>h = tanh(W₃x + b₃)</c>, <c>μ = W₄h + b₄</c>, <c>log σ² = W₅h + b₅</c>; parameters <c>hidden.*</c>, <c>mu.*</c>, <c>logvar.*</c>.
/// </summary>
public sealed class TorchEncoder : nn.Module<Tensor, (Tensor Mu, Tensor LogVar)>
{
    private readonly Linear hidden, mu, logvar;

    public TorchEncoder(int inputSize, int hiddenSize, int latentSize) : base("encoder")
    {
        hidden = nn.Linear(inputSize, hiddenSize);
        mu = nn.Linear(hiddenSize, latentSize);
        logvar = nn.Linear(hiddenSize, latentSize);
        RegisterComponents();
    }

    public override (Tensor Mu, Tensor LogVar) forward(Tensor x)
    {
        using var h = hidden.forward(x).tanh_();
        return (mu.forward(h), logvar.forward(h));
    }
}

/// <summary>
/// p(x|z) as a TorchSharp module: <see cref="DecoderKind.Bernoulli"/> (<c>hidden.*</c>, <c>out.*</c>; MNIST) or
/// <see cref="DecoderKind.Gaussian"/> (<c>hidden.*</c>, <c>mu.*</c>, <c>logvar.*</c>, mean kept in (0, 1) by a sigmoid; Frey Face),
/// with <c>h = tanh(W₁z + b₁)</c>. <see cref="LogLikelihood"/> gives <c>log p(x_r | z_r)</c> per row.
/// </summary>
public sealed class TorchDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden;
    private readonly Linear? @out, mu, logvar;

    public TorchDecoder(DecoderKind kind, int latentSize, int hiddenSize, int outputSize) : base("decoder")
    {
        Kind = kind;
        hidden = nn.Linear(latentSize, hiddenSize);
        if (kind == DecoderKind.Bernoulli) @out = nn.Linear(hiddenSize, outputSize);
        else
        {
            mu = nn.Linear(hiddenSize, outputSize);
            logvar = nn.Linear(hiddenSize, outputSize);
        }
        RegisterComponents();
    }

    public DecoderKind Kind { get; }

    /// <summary>The mean of p(x|z): pixel probabilities (Bernoulli) or the sigmoid mean (Gaussian).</summary>
    public override Tensor forward(Tensor z)
    {
        using var h = hidden.forward(z).tanh_();
        return (Kind == DecoderKind.Bernoulli ? @out! : mu!).forward(h).sigmoid_();
    }

    /// <summary><c>log p(x_r | z_r)</c> for every row r, <c>[rows]</c>.</summary>
    public Tensor LogLikelihood(Tensor x, Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = hidden.forward(z).tanh_();
        if (Kind == DecoderKind.Bernoulli)
        {
            // x·l − softplus(l) = x log y + (1 − x) log(1 − y) with y = sigmoid(l), stable for any logit l.
            var logits = @out!.forward(h);
            return (x * logits - nn.functional.softplus(logits)).sum(1).MoveToOuterDisposeScope();
        }
        var mean = mu!.forward(h).sigmoid();
        var logVar = logvar!.forward(h);
        var sq = (x - mean).square() * (-logVar).exp();
        return (-0.5 * (sq + logVar).sum(1) - x.shape[1] * GaussianMath.HalfLog2Pi).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The paper's variational auto-encoder in TorchSharp, with the parameter names of our checkpoints
/// (<c>encoder.hidden.weight</c>, ..., <c>decoder.out.bias</c>; weights <c>[out, in]</c> as in <c>nn.Linear</c>), so
/// the same <c>.safetensors</c> file loads into either engine. <see cref="Bound"/> gives the SGVB estimators A and B
/// (eqs. 6 and 7) and <see cref="ImportanceWeightedBound"/> the k-sample importance-weighted bound, both
/// differentiable by autograd.
/// </summary>
public sealed class TorchVae : nn.Module<Tensor, Tensor>
{
    private readonly TorchEncoder encoder;
    private readonly TorchDecoder decoder;

    public TorchVae(VaeConfig config) : base("vae")
    {
        TorchRuntime.EnsureLoaded();
        config.Validate();
        Config = config;
        encoder = new TorchEncoder(config.InputSize, config.HiddenSize, config.LatentSize);
        decoder = new TorchDecoder(config.Decoder, config.LatentSize, config.HiddenSize, config.InputSize);
        RegisterComponents();
    }

    public VaeConfig Config { get; }
    public TorchEncoder Encoder => encoder;
    public TorchDecoder Decoder => decoder;

    /// <summary>The decoder's mean for codes <paramref name="z"/>.</summary>
    public override Tensor forward(Tensor z) => decoder.forward(z);

    /// <summary>
    /// The SGVB estimate of the lower bound for each row of <paramref name="x"/> <c>[M, D]</c>, <c>[M]</c>, with noise
    /// <paramref name="eps"/> <c>[M·L, J]</c> (sample l of datapoint i in row <c>i·L + l</c>, as in our engine).
    /// Estimator B: <c>−KL(q‖p) + (1/L) Σ_l log p(x|z_l)</c> (eq. 7, KL in closed form); A: <c>(1/L) Σ_l [log p(x, z_l) − log q(z_l|x)]</c> (eq. 6).
    /// </summary>
    public Tensor Bound(Tensor x, Tensor eps, Estimator kind = Estimator.B)
    {
        if (kind == Estimator.ScoreFunction) throw new ArgumentOutOfRangeException(nameof(kind), kind, "Autograd gives the pathwise estimators A and B only.");
        using var scope = NewDisposeScope();
        var m = x.shape[0];
        var l = eps.shape[0] / m;
        var (mu, logVar) = encoder.forward(x);
        var sigma = (0.5 * logVar).exp();
        // z = μ + σ ⊙ ε, each datapoint's row repeated L times.
        var z = mu.repeat_interleave(l, 0) + sigma.repeat_interleave(l, 0) * eps;
        var xRep = l == 1 ? x : x.repeat_interleave(l, 0);
        var logPx = decoder.LogLikelihood(xRep, z).view(m, l);
        Tensor bound;
        if (kind == Estimator.B)
        {
            var negKl = 0.5 * (1 + logVar - mu.square() - logVar.exp()).sum(1);
            bound = negKl + logPx.mean([1]);
        }
        else
        {
            // log p(z) − log q(z|x) with (z − μ)²/σ² = ε²: ½ Σ_j (−z_j² + log σ_j² + ε_j²).
            var logRatio = (0.5 * (-z.square() + logVar.repeat_interleave(l, 0) + eps.square()).sum(1)).view(m, l);
            bound = (logPx + logRatio).mean([1]);
        }
        return bound.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The importance-weighted bound <c>log (1/k) Σ_s p(x, z_s)/q(z_s|x)</c> with <c>z_s = μ + σ ⊙ ε_s</c> for each row
    /// of <paramref name="x"/>, with <paramref name="eps"/> <c>[M·k, J]</c> (datapoint-major). k = 1 is estimator A;
    /// it tightens towards <c>log p(x)</c> as k grows (Burda, Grosse and Salakhutdinov, 2016).
    /// </summary>
    public Tensor ImportanceWeightedBound(Tensor x, Tensor eps)
    {
        using var scope = NewDisposeScope();
        var m = x.shape[0];
        var k = eps.shape[0] / m;
        var (mu, logVar) = encoder.forward(x);
        var z = mu.repeat_interleave(k, 0) + (0.5 * logVar).exp().repeat_interleave(k, 0) * eps;
        var logPx = decoder.LogLikelihood(k == 1 ? x : x.repeat_interleave(k, 0), z);
        // log p(z) − log q(z|x), the ½ log 2π terms cancelling.
        var logW = (logPx + 0.5 * (-z.square() + logVar.repeat_interleave(k, 0) + eps.square()).sum(1)).view(m, k);
        return (logW.logsumexp(1) - Math.Log(k)).MoveToOuterDisposeScope();
    }

    /// <summary>A TorchSharp copy of an engine model (same weights, bit for bit).</summary>
    public static TorchVae FromVae(Vae model)
    {
        var torchModel = new TorchVae(model.Config);
        torchModel.CopyFrom(model);
        return torchModel;
    }

    /// <summary>Copies every weight from the engine model <paramref name="model"/> (same config), by name.</summary>
    public void CopyFrom(Vae model)
    {
        if (model.Config != Config) throw new ArgumentException($"Cannot copy a {model.Config} model into a {Config} model.", nameof(model));
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, p) in model.NamedParameters)
        {
            var target = parameters.TryGetValue(name, out var t) ? t : throw new InvalidOperationException($"TorchVae has no parameter '{name}'.");
            using var source = tensor(p.Value.Data, target.shape);
            target.copy_(source);
        }
    }

    /// <summary>An engine model with this model's weights (bit for bit).</summary>
    public Vae ToVae()
    {
        var model = new Vae(Config);
        CopyTo(model);
        return model;
    }

    /// <summary>Copies every weight into the engine model <paramref name="model"/> (same config), by name: both
    /// engines store a linear layer's weight as <c>[out, in]</c>, row-major, so the bytes carry over as they are.</summary>
    public void CopyTo(Vae model)
    {
        if (model.Config != Config)
            throw new ArgumentException($"Cannot copy a {Config} model into a {model.Config} model.", nameof(model));
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in model.NamedParameters)
        {
            using var cpu = parameters[name].detach().cpu().contiguous();
            cpu.data<float>().CopyTo(p.Value.Data);
        }
    }

    /// <summary>
    /// Loads a checkpoint written by <c>aevb train</c>, <see cref="Checkpoint.Save"/> or <see cref="Save"/>: the
    /// architecture from its metadata, the weights by name through TorchSharp.PyBridge's <c>load_safetensors</c>.
    /// </summary>
    public static TorchVae Load(string path)
    {
        var config = Checkpoint.Load(path).Model.Config;   // validates names and shapes, reads the architecture
        var model = new TorchVae(config);
        model.load_safetensors(path, strict: true);
        return model;
    }

    /// <summary>Saves as our checkpoint format (loadable by <see cref="Checkpoint.Load"/>, <see cref="Load"/> and PyTorch).</summary>
    public void Save(string path, CheckpointInfo info) => Checkpoint.Save(path, ToVae(), info);
}
