using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// The display types added for the lessons (the latent explorer of a small MNIST model, tables, exercise verdicts) in Polyglot Notebooks' own
/// C# kernel: each value comes back with the MIME types our runner writes (the explorer: its scripted text/html, the
/// static manifold as image/png, and text/plain). With <c>AEVB_SCREENSHOT_DIR</c> set, the kernel's HTML output of the
/// explorer is opened in headless Chromium (when there is one) and a screenshot saved there.
/// </summary>
public sealed class DisplayTypesInKernelTests
{
    private static JsonObject Cell(string source) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
        ["outputs"] = new JsonArray(),
        ["source"] = new JsonArray(Lines(source)),
    };

    private static JsonNode[] Lines(string source)
    {
        var lines = source.Split('\n');
        return lines.Select((l, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? l + "\n" : l)).ToArray();
    }

    [Fact]
    public async Task Explorer_table_and_exercise_verdict_display_with_their_mime_types()
    {
        Assert.True(File.Exists(Repository.LibraryAssembly), $"{Repository.LibraryAssembly} is missing: build it with `dotnet build src/Aevb -c Release`.");
        var dir = Path.Combine(Path.GetTempPath(), "aevb-polyglot-display", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var notebook = new JsonObject
            {
                ["cells"] = new JsonArray(
                    Cell($"#r \"{Repository.LibraryAssembly.Replace('\\', '/')}\"\nusing Aevb.Data;\nusing Aevb.Exercises;\nusing Aevb.Models;\nusing Aevb.Plotting;\nusing Aevb.Tensors;"),
                    Cell("// A small MNIST model, Nz = 2, trained for a few seconds.\nvar options = new Aevb.Training.TrainerOptions();\n" +
                         "var model = Aevb.Training.Trainer.CreateModel(new VaeConfig(Mnist.Features, 500, 2, DecoderKind.Bernoulli), options);\n" +
                         "new Aevb.Training.Trainer(model, Mnist.Train(), null, options).Train(60_000);\n" +
                         "LatentExplorer.Create(model, Mnist.Test())"),
                    Cell("new Table(\"a\", \"b\").WithFormats(null, \"F2\").AddRow(\"one\", 1.0).AddRow(\"two\", 2.0)"),
                    Cell("Exercises.GaussianKl((mu, logVar) => 0.0)")),
                ["metadata"] = new JsonObject
                {
                    ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                    ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
                },
                ["nbformat"] = 4,
                ["nbformat_minor"] = 5,
            };
            var path = Path.Combine(dir, "display.ipynb");
            File.WriteAllText(path, notebook.ToJsonString());
            var cells = await PolyglotKernel.RunAsync(path, Repository.NotebookEnvironment());
            Assert.All(cells, c => Assert.True(c.Failure is null, $"cell {c.Index}: {c.Failure}"));

            var explorer = Assert.Single(cells[1].Values);
            Assert.Equal(["image/png", "text/html", "text/plain"], explorer.Keys.Order(StringComparer.Ordinal));
            Assert.Contains("data-aevb-explorer", explorer["text/html"]);
            Assert.StartsWith("LatentExplorer ", explorer["text/plain"]);
            Assert.True(Convert.FromBase64String(explorer["image/png"]).Length > 1000);

            var table = Assert.Single(cells[2].Values);
            Assert.Contains("aevb-table", table["text/html"]);
            Assert.Contains("two  2.00", table["text/plain"]);

            var verdict = Assert.Single(cells[3].Values);
            Assert.Contains("data-outcome=\"failed\"", verdict["text/html"]);
            Assert.Contains("differs on input #", verdict["text/plain"]);

            Screenshot(explorer["text/html"], dir);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The kernel's HTML output of the explorer, as a notebook output area shows it, in headless Chromium.</summary>
    private static void Screenshot(string html, string dir)
    {
        var target = Environment.GetEnvironmentVariable("AEVB_SCREENSHOT_DIR");
        var chromium = new[] { Environment.GetEnvironmentVariable("AEVB_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
        if (string.IsNullOrEmpty(target) || chromium is null) return;
        var page = Path.Combine(dir, "kernel-output.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Polyglot kernel output</title></head>" +
            "<body style=\"margin:0;padding:10px 14px;background:#fff;font-family:sans-serif\">" +
            "<div style=\"font:12px monospace;color:#555;margin-bottom:6px\">[2] LatentExplorer.Create(model, Mnist.Test()) — text/html output of .NET Interactive's C# kernel</div>" +
            html + "</body></html>");
        Directory.CreateDirectory(target);
        var psi = new ProcessStartInfo(chromium) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,760",
                     "--virtual-time-budget=10000", "--user-data-dir=" + Path.Combine(dir, "profile"),
                     "--screenshot=" + Path.Combine(target, "latent-explorer-polyglot-kernel-output.png"), new Uri(page).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) p.Kill(entireProcessTree: true);
    }
}
