namespace Aevb.Training.Runs;

/// <summary>
/// The methods figure runs know, in the order plans and charts list them. A new method is a <see cref="RunLearner"/>
/// and one <see cref="Register"/> call (here for the built-in ones, or from another assembly before the runs start).
/// </summary>
public static class MethodRegistry
{
    private static readonly List<MethodDescription> s_methods =
    [
        // Red, green and blue, as in the paper's figures.
        new(RunMethod.Aevb, "AEVB", "#d62728", c => new AevbLearner(c.Model, c.Settings))
        {
            PaperFigures = ["fig2", "fig3"],
        },
        new(RunMethod.WakeSleep, "Wake-Sleep", "#2ca02c", c => new WakeSleepLearner(c.Model, c.Settings))
        {
            Aliases = ["wake-sleep", "ws"],
            PaperFigures = ["fig2", "fig3"],
        },
        new(RunMethod.MonteCarloEm, "MCEM", "#1f77b4", c => new McemLearner(c.Model, c.Settings, c.TrainCount, c.Rng))
        {
            Aliases = ["montecarloem"],
            HasEncoder = false,
            Figures = ["fig3"],
            PaperFigures = ["fig3"],
        },
        new("iwae", "IWAE", "#ff7f0e", c => new IwaeLearner(c.Model, c.Settings))
        {
            Options = [new MethodOption("k", "importance samples per datapoint (Burda et al. 2016)", Default: 5)],
        },
    ];

    private static readonly Lock s_lock = new();

    /// <summary>Every registered method, in registration order.</summary>
    public static IReadOnlyList<MethodDescription> All
    {
        get
        {
            lock (s_lock) return s_methods.ToArray();
        }
    }

    /// <summary>Adds a method; its name and aliases must not be taken.</summary>
    public static void Register(MethodDescription method)
    {
        ArgumentNullException.ThrowIfNull(method);
        lock (s_lock)
        {
            if (method.Aliases.Prepend(method.Name).FirstOrDefault(n => s_methods.Any(m => m.Answers(n))) is { } taken)
                throw new ArgumentException($"A method named '{taken}' is already registered.");
            s_methods.Add(method);
        }
    }

    /// <summary>The method of that name or alias (any case), or null.</summary>
    public static MethodDescription? Find(string name)
    {
        lock (s_lock) return s_methods.FirstOrDefault(m => m.Answers(name.Trim()));
    }

    /// <summary>The method of that name or alias; an unknown one throws <see cref="ArgumentException"/> listing the
    /// known.</summary>
    public static MethodDescription Get(string name) => Find(name)
        ?? throw new ArgumentException(
            $"Unknown method '{name}' (expected {string.Join(", ", All.Select(m => m.Name))}).");

    /// <summary>The methods that can run in <paramref name="figure"/>.</summary>
    public static IReadOnlyList<MethodDescription> For(string figure)
        => All.Where(m => m.Figures.Contains(figure)).ToArray();

    /// <summary>The methods the paper's <paramref name="figure"/> compares (what runs without
    /// <c>--method</c>).</summary>
    public static IReadOnlyList<MethodDescription> InPaper(string figure)
        => All.Where(m => m.PaperFigures.Contains(figure)).ToArray();

    /// <summary>The chart label of a method name (the name itself for one not registered here).</summary>
    public static string Label(string name) => Find(name)?.Label ?? name;

    /// <summary>The chart colour of a method name (grey for one not registered here).</summary>
    public static string Color(string name) => Find(name)?.Color ?? "#7f7f7f";

    /// <summary>Where a method comes in the registry's order (plans, tables, legends); unregistered ones
    /// last.</summary>
    public static int Position(string name)
    {
        lock (s_lock)
        {
            var i = s_methods.FindIndex(m => m.Answers(name));
            return i < 0 ? int.MaxValue : i;
        }
    }
}
