namespace Aevb.Training.Runs;

/// <summary>
/// The names of the methods the paper compares in Figures 2 and 3, as <see cref="RunSettings.Method"/>, folder names,
/// CSV files and the command line spell them. Every method, these and any added later, is described in
/// <see cref="MethodRegistry"/>.
/// </summary>
public static class RunMethod
{
    /// <summary>Auto-encoding variational Bayes (Algorithm 1, estimator B, L = 1).</summary>
    public const string Aevb = "aevb";

    /// <summary>Wake-sleep (Hinton et al. 1995) with the same encoder and decoder.</summary>
    public const string WakeSleep = "wakesleep";

    /// <summary>Monte Carlo EM with HMC (Appendix E).</summary>
    public const string MonteCarloEm = "mcem";
}
