namespace Aevb.Training.Runs;

/// <summary>The learning methods compared in the paper's Figures 2 and 3.</summary>
public enum RunMethod
{
    /// <summary>Auto-encoding variational Bayes (Algorithm 1, estimator B, L = 1).</summary>
    Aevb,

    /// <summary>Wake-sleep (Hinton et al. 1995) with the same encoder and decoder.</summary>
    WakeSleep,

    /// <summary>Monte Carlo EM with HMC (Appendix E).</summary>
    MonteCarloEm,
}

public static class RunMethods
{
    /// <summary>The short name used in folder names, CSV files and the command line: <c>aevb</c>, <c>wakesleep</c>, <c>mcem</c>.</summary>
    public static string Name(this RunMethod method) => method switch
    {
        RunMethod.Aevb => "aevb",
        RunMethod.WakeSleep => "wakesleep",
        RunMethod.MonteCarloEm => "mcem",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>The name in chart legends: <c>AEVB</c>, <c>Wake-Sleep</c>, <c>MCEM</c> (as in the paper's figures).</summary>
    public static string Label(this RunMethod method) => method switch
    {
        RunMethod.Aevb => "AEVB",
        RunMethod.WakeSleep => "Wake-Sleep",
        RunMethod.MonteCarloEm => "MCEM",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static RunMethod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "aevb" => RunMethod.Aevb,
        "wakesleep" or "wake-sleep" or "ws" => RunMethod.WakeSleep,
        "mcem" or "montecarloem" => RunMethod.MonteCarloEm,
        _ => throw new ArgumentException($"Unknown method '{name}' (expected aevb, wakesleep or mcem)."),
    };
}
