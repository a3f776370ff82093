using Aevb.Nn;

namespace Aevb.Optim;

/// <summary>The optimisers the trainer and the command line can pick by name.</summary>
public enum OptimizerKind
{
    /// <summary>The paper's choice (Section 5).</summary>
    Adagrad,
    Adam,
}

public static class Optimizers
{
    /// <summary>An optimiser of the given kind over <paramref name="parameters"/>.</summary>
    public static Optimizer Create(OptimizerKind kind, IEnumerable<Parameter> parameters, float learningRate, float weightDecay) => kind switch
    {
        OptimizerKind.Adagrad => new Adagrad(parameters, learningRate, weightDecay),
        OptimizerKind.Adam => new Adam(parameters, learningRate, weightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimiser."),
    };
}
