using Aevb.Inference;
using Aevb.Tensors;

namespace Aevb.Training.Runs;

/// <summary>
/// The measurements logged at each evaluation point. Figure 2 (<see cref="RunEvaluation.LowerBound"/>):
/// <c>train_bound</c>, <c>test_bound</c>, the average lower bound per datapoint (estimator B, L = 1, as AEVB's
/// training uses). Figure 3 (<see cref="RunEvaluation.MarginalLikelihood"/>): on the first
/// <see cref="RunSettings.MarginalPoints"/> training and test points, <c>*_log_px</c> (Appendix D estimator) with
/// its Monte Carlo standard error <c>*_log_px_se</c>, <c>*_log_px_fit</c> (importance sampling from the Gaussian the
/// Appendix D estimator fitted: the cross-check that errs the other way, see
/// <see cref="HmcMarginalLikelihood.EstimateWithCheck"/>), <c>*_log_px_is</c> (importance sampling with the encoder as
/// proposal) and <c>*_bound</c> on the same points. Methods without a trained encoder (MCEM) leave the encoder-based
/// columns empty.
/// </summary>
internal sealed class RunEvaluator
{
    private readonly RunSettings _settings;
    private readonly Tensor _train, _test;

    public RunEvaluator(RunSettings settings, RunData data)
    {
        _settings = settings;
        if (settings.Evaluation == RunEvaluation.LowerBound)
        {
            _train = RunData.FirstRows(data.Train, settings.TrainEvaluationSize ?? data.Train.Rows);
            _test = RunData.FirstRows(data.Test, settings.TestEvaluationSize ?? data.Test.Rows);
        }
        else
        {
            _train = RunData.FirstRows(data.Train, settings.MarginalPoints);
            _test = RunData.FirstRows(data.Test, settings.MarginalPoints);
        }
    }

    public static IReadOnlyList<string> MetricNames(RunEvaluation evaluation) => evaluation == RunEvaluation.LowerBound
        ? ["train_bound", "test_bound"]
        : ["train_log_px", "train_log_px_se", "test_log_px", "test_log_px_se", "train_log_px_fit", "test_log_px_fit",
           "train_log_px_is", "test_log_px_is", "train_bound", "test_bound"];

    public IReadOnlyList<string> Metrics => MetricNames(_settings.Evaluation);

    public Dictionary<string, double> Evaluate(RunLearner learner, Rng rng)
    {
        var model = learner.Model;
        var result = new Dictionary<string, double>();
        if (learner.HasEncoder)
        {
            var bound = new LowerBoundEvaluator(model, chunkSize: 500);
            result["train_bound"] = bound.Evaluate(_train.Span, rng);
            result["test_bound"] = bound.Evaluate(_test.Span, rng);
        }
        if (_settings.Evaluation == RunEvaluation.LowerBound) return result;

        var joint = new DecoderLatentModel(model.Decoder);
        var hmc = new HmcMarginalLikelihood(joint)
        {
            Samples = _settings.HmcSamples,
            ChainsPerPoint = _settings.HmcChains,
            WarmupSteps = _settings.HmcWarmup,
            LeapfrogSteps = _settings.HmcLeapfrog,
            FittedProposalSamples = _settings.ImportanceSamples,
        };
        foreach (var (split, x) in new[] { ("train", _train), ("test", _test) })
        {
            var (estimate, check) = hmc.EstimateWithCheck(x, rng);
            result[$"{split}_log_px"] = estimate.Mean;
            result[$"{split}_log_px_se"] = estimate.MeanStandardError;
            if (check is not null) result[$"{split}_log_px_fit"] = check.Mean;
            if (learner.HasEncoder && _settings.ImportanceSamples > 0)
            {
                var importance = new ImportanceSampledLikelihood(joint, new EncoderProposal(model.Encoder)) { Samples = _settings.ImportanceSamples };
                result[$"{split}_log_px_is"] = importance.Estimate(x, rng).Mean;
            }
        }
        return result;
    }
}
