using System.Diagnostics;
using System.Text;
using Aevb.Notebooks.Documents;
using Aevb.Tests.Data;
using Aevb.Tests.Training;

namespace Aevb.Tests.Cli;

/// <summary>
/// <c>notebook run</c> in place (issue 20, "Losing work" 4): a second run of the same notebook is refused while the first
/// runs (naming its process), and an edit saved to the notebook while it runs is never overwritten.
/// </summary>
public class NotebookInPlaceTests
{
    [Fact]
    public void AnEditSavedWhileTheNotebookRunsIsKept()
    {
        using var dir = new TempDir();
        var path = dir.File("nb.ipynb");
        var notebook = Notebook.CreatePolyglot();
        notebook.AddMarkdownCell("EDITMARK");
        // The cell plays the user saving an edit from an editor while the run goes on (cells run in the notebook's folder).
        notebook.AddCodeCell("System.IO.File.WriteAllText(\"nb.ipynb\", System.IO.File.ReadAllText(\"nb.ipynb\").Replace(\"EDITMARK\", \"EDITED\"));");
        notebook.AddCodeCell("1 + 1");
        notebook.Save(path);

        var (code, output) = CliProcess.Run(["notebook", "run", path]);
        Assert.True(code == 1, output);
        Assert.Contains($"{path}: changed on disk while the notebook ran", output);
        Assert.DoesNotContain("   at ", output);
        var saved = File.ReadAllText(path);
        Assert.Contains("EDITED", saved);
        Assert.Empty(Notebook.Load(path).Cells[1].Outputs); // the run's outputs did not replace the edit
    }

    [Fact]
    public void ASecondRunOfTheSameNotebookIsRefusedNamingTheFirst()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        var path = dir.File("nb.ipynb");
        var notebook = Notebook.CreatePolyglot();
        notebook.AddCodeCell("Console.WriteLine(\"sleeping\"); System.Threading.Thread.Sleep(60_000);");
        notebook.Save(path);

        var start = new ProcessStartInfo(CliProcess.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliProcess.Dll, "notebook", "run", path, "--timeout-per-cell", "120" }) start.ArgumentList.Add(a);
        using var first = new Process { StartInfo = start };
        var seen = new ManualResetEventSlim();
        var output = new StringBuilder();
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.Contains("sleeping", StringComparison.Ordinal)) seen.Set();
        }
        first.OutputDataReceived += OnLine;
        first.ErrorDataReceived += OnLine;
        first.Start();
        first.BeginOutputReadLine();
        first.BeginErrorReadLine();
        try
        {
            Assert.True(seen.Wait(TimeSpan.FromMinutes(3)), output.ToString());
            var (code, second) = CliProcess.Run(["notebook", "run", path]);
            Assert.True(code == 1, second);
            Assert.Contains($"(process {first.Id})", second);
            Assert.Contains("another `aevb notebook run`", second);
            Assert.Single(second.Trim().Split('\n'));
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            first.WaitForExit();
        }
    }
}
