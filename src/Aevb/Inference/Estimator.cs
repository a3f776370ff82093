namespace Aevb.Inference;

/// <summary>Which Monte Carlo estimate of the lower bound (and of its gradient) to use (Section 2.3).</summary>
public enum Estimator
{
    /// <summary>
    /// SGVB estimator A, the generic one (eq. 6): <c>mean_l [log p(x, z_l) − log q(z_l|x)]</c>,
    /// gradients through the reparameterisation <c>z = μ + σ ⊙ ε</c>.
    /// </summary>
    A,

    /// <summary>
    /// SGVB estimator B (eq. 7): <c>−KL(q(z|x) ‖ p(z)) + mean_l log p(x|z_l)</c> with the KL term in closed
    /// form; lower variance, the paper's choice for its experiments.
    /// </summary>
    B,

    /// <summary>
    /// The score-function (REINFORCE, likelihood-ratio) gradient, for contrast: same bound value as
    /// <see cref="A"/>, but the encoder's gradient is <c>mean_l f(z_l) ∇φ log q(z_l|x)</c> with
    /// <c>f = log p(x, z) − log q(z|x)</c>, without a baseline; unbiased but with much higher variance.
    /// </summary>
    ScoreFunction,
}
