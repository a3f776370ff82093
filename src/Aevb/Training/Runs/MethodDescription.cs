namespace Aevb.Training.Runs;

/// <summary>What a learner's factory gets: the run's settings, a freshly initialised model, the training set's
/// size.</summary>
/// <param name="Rng">The learner's own stream (e.g. MCEM's initial chains), forked after the model's.</param>
public sealed record LearnerContext(RunSettings Settings, Models.Vae Model, int TrainCount, Tensors.Rng Rng);

/// <summary>
/// One setting of its own that a method takes (IWAE's k, say): <c>aevb reproduce</c> offers it as <c>--NAME</c>, and a
/// run records it in <see cref="RunSettings.MethodOptions"/> and in its folder name (<c>…-iwae-k5</c>).
/// </summary>
public sealed record MethodOption(string Name, string Description, double Default, double Min = 1, double Max = 1e6)
{
    /// <summary>Whether only whole numbers are allowed (a sample count).</summary>
    public bool IsInteger { get; init; } = true;
}

/// <summary>
/// A method the figure runs can train: its name (folders, CSV, <c>--method</c>), its label and colour in the charts,
/// and the factory of its <see cref="RunLearner"/>. Registered once in <see cref="MethodRegistry"/>; everything else
/// (plans, charts, CLI options, run names) reads it from there.
/// </summary>
public sealed record MethodDescription(
    string Name, string Label, string Color, Func<LearnerContext, RunLearner> CreateLearner)
{
    /// <summary>Other spellings <c>--method</c> accepts (e.g. <c>ws</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Whether the method trains an encoder (MCEM does not: its encoder-based columns stay empty).</summary>
    public bool HasEncoder { get; init; } = true;

    /// <summary>The figures (<c>fig2</c>, <c>fig3</c>) it can run in.</summary>
    public IReadOnlyList<string> Figures { get; init; } = ["fig2", "fig3"];

    /// <summary>The figures whose paper curves include it: <c>aevb reproduce</c> runs it there without
    /// <c>--method</c>.</summary>
    public IReadOnlyList<string> PaperFigures { get; init; } = [];

    /// <summary>Settings of its own (none for the paper's methods).</summary>
    public IReadOnlyList<MethodOption> Options { get; init; } = [];

    public bool Answers(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase)
                                        || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
