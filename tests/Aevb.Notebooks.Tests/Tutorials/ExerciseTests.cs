using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// The exercises of notebooks 01–03, run by our runner as a student would: each notebook's set-up cell, then every
/// exercise cell (metadata <c>"aevb": {"exercise": id}</c>) and the check cell after it. Three times: as committed
/// (the placeholder: "not attempted yet"), with the solution from <c>notebooks/solutions/id.csx</c> filled in (a
/// pass), and with a typical mistake (a failure naming the first input that differs). The whole notebooks, with
/// their placeholders, run top to bottom in Notebook0NTests and in the Polyglot tests.
/// </summary>
[Collection("tutorials")]
public sealed class ExerciseTests
{
    // A typical mistake in each solution: (what the solution says, what the student wrote instead).
    private static readonly Dictionary<string, (string Right, string Wrong)> Mistakes = new()
    {
        ["01-gaussian-kl"] = ("return 0.5 * sum;", "return sum;"),                                         // forgot the ½
        ["01-reparameterize"] = ("Math.Exp(0.5 * logVar[j])", "Math.Exp(logVar[j])"),                       // σ² for σ
        ["02-estimator-a"] = ("+ logPz[l] - logQz[l]", "+ logPz[l] + logQz[l]"),                            // sign of log q
        ["02-estimator-b"] = ("0.5 * (1 + logVar[j]", "(1 + logVar[j]"),                                    // forgot the ½
        ["03-bernoulli-log-likelihood"] = ("(1 - x[i]) * Math.Log(1 - y[i])", "(1 - x[i]) * Math.Log(y[i])"),
        ["03-adagrad-step"] = ("sumSquares[i] + grad[i] * grad[i]", "sumSquares[i]"),                      // G before adding g²
    };

    private enum Fill { Placeholder, Solution, Mistake }

    [Theory]
    [InlineData("01-elbo-derivation.ipynb", 2)]
    [InlineData("02-estimator-variance.ipynb", 2)]
    [InlineData("03-train-vae.ipynb", 2)]
    public async Task Solutions_pass_mistakes_fail_with_the_first_differing_input_and_placeholders_say_not_attempted(string file, int exercises)
    {
        var placeholder = await RunExercises(file, Fill.Placeholder);
        Assert.Equal(exercises, placeholder.Count);
        Assert.All(placeholder, v => Assert.Contains("not attempted yet", v.Verdict));

        var solved = await RunExercises(file, Fill.Solution);
        Assert.All(solved, v => Assert.True(v.Verdict.StartsWith('✓'), $"{v.Id} with its solution: {v.Verdict}"));
        Assert.All(solved, v => Assert.Contains("correct on all", v.Verdict));

        var wrong = await RunExercises(file, Fill.Mistake);
        Assert.All(wrong, v =>
        {
            Assert.True(v.Verdict.StartsWith('✗'), $"{v.Id} with a mistake: {v.Verdict}");
            Assert.Contains("differs on input #", v.Verdict);
            Assert.Contains("off by", v.Verdict);
        });
    }

    private static async Task<List<(string Id, string Verdict)>> RunExercises(string file, Fill fill)
    {
        var root = OutputsOf.RepositoryRoot();
        var source = Notebook.Load(Path.Combine(root, "notebooks", file));
        var cells = source.Cells;
        var extract = Notebook.CreatePolyglot();
        // The set-up cell (#r and usings), with its relative paths made absolute.
        var setup = cells.First(c => c.IsCode).Source.Replace("\"../", "\"" + root.Replace('\\', '/') + "/", StringComparison.Ordinal);
        extract.AddCodeCell(setup);
        var ids = new List<string>();
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i].Metadata["aevb"]?["exercise"]?.GetValue<string>() is not { } id) continue;
            var solution = File.ReadAllText(Path.Combine(root, "notebooks", "solutions", id + ".csx"));
            var code = fill switch
            {
                Fill.Placeholder => cells[i].Source,
                Fill.Solution => solution,
                _ => Mistaken(id, solution),
            };
            extract.AddCodeCell(code);
            var check = cells[i + 1];
            Assert.True(check.IsCode && check.Source.StartsWith("Exercises.", StringComparison.Ordinal), $"{file}: the cell after exercise {id} is not its check");
            extract.AddCodeCell(check.Source);
            ids.Add(id);
        }
        var dir = Path.Combine(Path.GetTempPath(), "aevb-exercises", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, file);
        extract.Save(path);
        var result = await NotebookRunner.RunAsync(path, new NotebookRunOptions { Quick = true, Progress = TextWriter.Null, EchoOutput = false });
        Assert.True(result.Succeeded, $"{file} ({fill}): " + result.FirstFailure?.Error?.EValue);
        var verdicts = new List<(string, string)>();
        var run = result.Notebook.Cells;
        for (int k = 0; k < ids.Count; k++)
        {
            var output = run[2 + 2 * k].Outputs.OfType<JsonObject>().Single(o => o["output_type"]?.GetValue<string>() == "execute_result");
            var data = NotebookOutputs.ReadData(output);
            Assert.Contains("aevb-exercise", data["text/html"]);
            verdicts.Add((ids[k], data["text/plain"]));
        }
        return verdicts;
    }

    private static string Mistaken(string id, string solution)
    {
        var (right, wrong) = Mistakes[id];
        Assert.Contains(right, solution);
        return solution.Replace(right, wrong, StringComparison.Ordinal);
    }
}
