using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// Runs one of the tutorial notebooks in notebooks/ in quick mode (AEVB_QUICK=1), as CI does,
/// writing the executed copy to a temp file so the committed notebook is left as it is.
/// </summary>
internal sealed class TutorialNotebook
{
    private TutorialNotebook(NotebookRunResult result) => Result = result;

    public NotebookRunResult Result { get; }

    public Notebook Executed => Result.Notebook;

    public static async Task<TutorialNotebook> RunQuickAsync(string fileName)
    {
        var path = Path.Combine(OutputsOf.RepositoryRoot(), "notebooks", fileName);
        Assert.True(File.Exists(path), $"{path} does not exist");
        var output = Path.Combine(Path.GetTempPath(), "aevb-tutorials", Guid.NewGuid().ToString("N"), fileName);
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions
        {
            Quick = true,
            OutputPath = output,
            Progress = TextWriter.Null,
            Environment = SharedDataWhenUnset(),
        });
        var failure = result.FirstFailure?.Error;
        Assert.True(result.Succeeded,
            $"{fileName}: " + (failure is null ? string.Join("; ", result.Problems) : $"{failure.EValue}\n{string.Join("\n", failure.Traceback)}"));
        Assert.DoesNotContain(AllOutputs(result.Notebook), o => o["output_type"]?.GetValue<string>() == "error");
        return new TutorialNotebook(result);
    }

    /// <summary>
    /// The notebooks load MNIST and Frey Face through AEVB_DATA_DIR (CI sets it) or data/cache; a checkout
    /// that sits beside ../shared/data needs neither, so point the run there when nothing else is set.
    /// </summary>
    private static Dictionary<string, string> SharedDataWhenUnset()
    {
        var env = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("AEVB_DATA_DIR"))) return env;
        var shared = Path.GetFullPath(Path.Combine(OutputsOf.RepositoryRoot(), "..", "shared", "data"));
        if (Directory.Exists(shared)) env["AEVB_DATA_DIR"] = shared;
        return env;
    }

    /// <summary>A top-level variable of the notebook after the run, converted to <typeparamref name="T"/>.</summary>
    public T Value<T>(string name)
    {
        Assert.True(Result.Variables.TryGetValue(name, out var value), $"the notebook defines no variable '{name}'");
        return Assert.IsAssignableFrom<T>(value);
    }

    public static IEnumerable<JsonObject> AllOutputs(Notebook notebook)
        => notebook.Cells.SelectMany(c => c.Outputs.OfType<JsonObject>());

    /// <summary>Outputs carrying <paramref name="mime"/> (display_data or execute_result).</summary>
    public IEnumerable<JsonObject> OutputsWith(string mime)
        => AllOutputs(Executed).Where(o => o["data"] is JsonObject data && data.ContainsKey(mime));

    /// <summary>Number of chart outputs (the chart formatter's html fragment carries data-aevb-chart).</summary>
    public int ChartCount
        => OutputsWith("text/html").Count(o => NotebookOutputs.ReadData(o)["text/html"].Contains("data-aevb-chart", StringComparison.Ordinal));

    /// <summary>Number of image-grid outputs (PNG without a chart or a latent explorer).</summary>
    public int ImageGridCount
        => OutputsWith("image/png").Count(o => !NotebookOutputs.ReadData(o).TryGetValue("text/html", out var html)
            || !(html.Contains("data-aevb-chart", StringComparison.Ordinal) || html.Contains("data-aevb-explorer", StringComparison.Ordinal)));

    /// <summary>The latent explorers' HTML outputs (their html carries data-aevb-explorer).</summary>
    public IReadOnlyList<string> ExplorerHtml
        => OutputsWith("text/html").Select(o => NotebookOutputs.ReadData(o)["text/html"]).Where(h => h.Contains("data-aevb-explorer", StringComparison.Ordinal)).ToList();
}

[CollectionDefinition("tutorials", DisableParallelization = true)]
public sealed class TutorialsCollection { }
