using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Notebooks.Tests;

/// <summary>
/// The runner changes process-wide state (console, working directory, environment) while a
/// notebook runs, so these tests share one collection and never run at the same time.
/// </summary>
[CollectionDefinition("runner", DisableParallelization = true)]
public sealed class RunnerCollection;

[Collection("runner")]
public class RunnerTests
{
    private static Task<NotebookRunResult> Run(string path, NotebookRunOptions? options = null) => NotebookRunner.RunAsync(path, options);

    [Fact]
    public async Task StateCarriesFromCellToCell()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("state.ipynb",
            "md:# State",
            "var x = 20;\nint Twice(int v) => 2 * v;",
            "x += 1;",
            "Twice(x)");
        var result = await Run(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Cells.Select(c => c.Error?.EValue)));
        var saved = Notebook.Load(path);
        var output = Assert.Single(OutputsOf.Cell(saved, 4));
        Assert.Equal("execute_result", OutputsOf.Type(output));
        Assert.Equal("42", OutputsOf.Text(output));
        Assert.Equal([1, 2, 3], saved.Cells.Where(c => c.IsCode).Select(c => c.ExecutionCount ?? 0));
        Assert.Equal(3, output["execution_count"]!.GetValue<int>());
        Assert.Equal(21, result.Variables["x"]); // the last value, for tests that check a notebook's numbers
    }

    [Fact]
    public async Task ReferencesTheBuiltLibraryRelativeToTheNotebookAndRunsInItsFolder()
    {
        using var dir = new TempNotebookDir();
        var dll = Path.GetRelativePath(dir.Dir, Path.Combine(AppContext.BaseDirectory, "Aevb.dll")).Replace('\\', '/');
        Assert.False(Path.IsPathRooted(dll));
        var path = dir.Write("lib.ipynb",
            $"#r \"{dll}\"\nusing Aevb;\nusing Aevb.IO;",
            "AtomicFile.WriteAllText(\"written-by-notebook.txt\", \"hi\");\ntypeof(AssemblyMarker).Assembly.GetName().Name");
        var before = Directory.GetCurrentDirectory();
        var result = await Run(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Cells.Select(c => c.Error?.EValue)));
        Assert.Equal("Aevb", OutputsOf.Text(OutputsOf.Cell(result.Notebook, 2).Single()));
        Assert.Equal("hi", File.ReadAllText(dir.PathOf("written-by-notebook.txt"))); // relative to the notebook
        Assert.Equal(before, Directory.GetCurrentDirectory()); // restored afterwards
    }

    [Fact]
    public async Task LoadResolvesScriptsRelativeToTheNotebook()
    {
        using var dir = new TempNotebookDir();
        Directory.CreateDirectory(dir.PathOf("lib"));
        File.WriteAllText(dir.PathOf("lib/helpers.csx"), "int Square(int v) => v * v;\n");
        var path = dir.Write("load.ipynb", "#load \"lib/helpers.csx\"\nSquare(7)");
        var result = await Run(path);
        Assert.True(result.Succeeded, string.Join("\n", result.Cells.Select(c => c.Error?.EValue)));
        Assert.Equal("49", OutputsOf.Text(OutputsOf.Cell(result.Notebook, 1).Single()));
    }

    [Fact]
    public async Task StreamsDisplaysAndTheFinalValueBecomeOutputsInOrder()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("outputs.ipynb",
            "Console.WriteLine(\"one\");\nConsole.Write(\"two\\n\");\ndisplay(new[] { 1, 2, 3 });\nConsole.Error.WriteLine(\"careful\");\n" +
            "var handle = display(\"draft\");\nhandle.Update(\"final\");\nConsole.WriteLine(\"three\");\n\"result\"",
            "Console.WriteLine(\"no value\");",
            "string nothing = null;\nnothing",
            "(6 * 7).Display();");
        var result = await Run(path);
        Assert.True(result.Succeeded);
        var outputs = OutputsOf.Cell(result.Notebook, 1);
        Assert.Equal(["stream", "display_data", "stream", "display_data", "stream", "execute_result"], outputs.Select(OutputsOf.Type));
        Assert.Equal("one\ntwo\n", OutputsOf.StreamText(outputs[0]));
        Assert.Equal("stdout", outputs[0]["name"]!.GetValue<string>());
        Assert.Equal("int[3] [ 1, 2, 3 ]", OutputsOf.Text(outputs[1]));
        Assert.Equal("stderr", outputs[2]["name"]!.GetValue<string>());
        Assert.Equal("final", OutputsOf.Text(outputs[3]));
        Assert.Equal("result", OutputsOf.Text(outputs[5]));
        Assert.Equal("stream", OutputsOf.Type(OutputsOf.Cell(result.Notebook, 2).Single())); // statement: no result
        Assert.Equal("<null>", OutputsOf.Text(OutputsOf.Cell(result.Notebook, 3).Single())); // null value still shown
        var extension = OutputsOf.Cell(result.Notebook, 4).Single(); // .NET Interactive's extension-method spelling
        Assert.Equal(("display_data", "42"), (OutputsOf.Type(extension), OutputsOf.Text(extension)));
    }

    [Fact]
    public async Task CompileErrorsNameTheCellAndTheLineWithinIt()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("compile.ipynb",
            "md:# Intro",
            "var ok = 1;",
            "var a = 1;\nvar b = missingName + 1;",
            "Console.WriteLine(\"never\");");
        var result = await Run(path);
        Assert.False(result.Succeeded);
        Assert.Equal(1, result.ExitCode);
        var failure = result.FirstFailure!;
        Assert.Equal(3, failure.CellNumber);
        Assert.Equal(CellErrorKind.Compile, failure.Error!.Kind);
        Assert.Equal(2, failure.Error.Line);
        Assert.StartsWith("cell 3, line 2, column 9: error CS0103", failure.Error.EValue);
        Assert.Contains("missingName", failure.Error.EValue);

        // Written with everything up to and including the error, nothing after it.
        var saved = Notebook.Load(path);
        var error = Assert.Single(OutputsOf.Cell(saved, 3));
        Assert.Equal("error", OutputsOf.Type(error));
        Assert.Equal("CompilationError", error["ename"]!.GetValue<string>());
        Assert.Equal(2, saved.Cells[2].ExecutionCount);
        Assert.Null(saved.Cells[3].ExecutionCount);
        Assert.Empty(saved.Cells[3].Outputs);
    }

    [Fact]
    public async Task ExceptionsNameTheCellAndLineOfEveryNotebookFrame()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("throw.ipynb",
            "void Check(int v)\n{\n    if (v > 2) throw new ArgumentOutOfRangeException(nameof(v), \"too big\");\n}",
            "md:text",
            "Console.WriteLine(\"before\");\nCheck(1);\nCheck(5);\nConsole.WriteLine(\"after\");");
        var result = await Run(path);
        var failure = result.FirstFailure!;
        Assert.Equal(3, failure.CellNumber);
        Assert.Equal(CellErrorKind.Runtime, failure.Error!.Kind);
        Assert.Equal("System.ArgumentOutOfRangeException", failure.Error.EName);
        Assert.Contains("too big", failure.Error.EValue);
        // The throw is in cell 1, line 3; the call in cell 3, line 3.
        Assert.StartsWith("cell 1, line 3: System.ArgumentOutOfRangeException", failure.Error.Traceback[0]);
        Assert.Contains(failure.Error.Traceback, l => l.Contains("in cell 3, line 3"));
        Assert.Equal(3, failure.Error.Line);

        var outputs = OutputsOf.Cell(result.Notebook, 3);
        Assert.Equal(["stream", "error"], outputs.Select(OutputsOf.Type));
        Assert.Equal("before\n", OutputsOf.StreamText(outputs[0]));
    }

    [Fact]
    public async Task AFailingCellStopsTheRunUnlessErrorsAreAllowed()
    {
        using var dir = new TempNotebookDir();
        string[] cells = ["var n = 1;", "n = 2;\nthrow new Exception(\"bad\");", "n + 10"];
        var stop = await Run(dir.Write("stop.ipynb", cells));
        Assert.Equal(2, stop.Cells.Count);
        Assert.Null(stop.Notebook.Cells[2].ExecutionCount);
        Assert.Equal(1, stop.ExitCode);

        var allow = await Run(dir.Write("allow.ipynb", cells), new NotebookRunOptions { AllowErrors = true });
        Assert.Equal(3, allow.Cells.Count);
        Assert.Equal(1, allow.ExitCode); // still a failure
        // State assigned before the exception stays, as in Polyglot Notebooks.
        Assert.Equal("12", OutputsOf.Text(OutputsOf.Cell(allow.Notebook, 3).Single()));
        Assert.Equal("error", OutputsOf.Type(OutputsOf.Cell(allow.Notebook, 2).Single()));

        var compile = await Run(dir.Write("compile.ipynb", "var k = 1;", "k = ;", "k + 1"), new NotebookRunOptions { AllowErrors = true });
        Assert.Equal("2", OutputsOf.Text(OutputsOf.Cell(compile.Notebook, 3).Single()));
    }

    [Fact]
    public async Task UnsupportedMagicsRejectTheNotebookBeforeAnythingRuns()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("magic.ipynb",
            "System.IO.File.WriteAllText(\"ran.txt\", \"x\");",
            "#!fsharp\nlet x = 1",
            "var y = 1;\n#r \"nuget: Plotly.NET, 4.2.0\"",
            "#!c#\nvar z = 3;\nz");
        var before = File.ReadAllBytes(path);
        var result = await Run(path);
        Assert.True(result.Rejected);
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Cells);
        var problems = result.Problems.Select(p => p.ToString()).ToList();
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("cell 2, line 1: magic command '#!fsharp' is not supported", problems[0]);
        Assert.StartsWith("cell 3, line 2: '#r \"nuget: Plotly.NET, 4.2.0\"' is not supported", problems[1]);
        Assert.Equal(before, File.ReadAllBytes(path)); // untouched
        Assert.False(File.Exists(dir.PathOf("ran.txt")));

        // With --allow-errors they become error outputs and the C# cells run (#!c# accepted).
        var allowed = await Run(path, new NotebookRunOptions { AllowErrors = true, OutputPath = dir.PathOf("out.ipynb") });
        Assert.Equal(4, allowed.Cells.Count);
        var error = OutputsOf.Cell(allowed.Notebook, 2).Single();
        Assert.Equal("UnsupportedCell", error["ename"]!.GetValue<string>());
        Assert.Equal("3", OutputsOf.Text(OutputsOf.Cell(allowed.Notebook, 4).Single()));
        Assert.Equal(dir.PathOf("out.ipynb"), allowed.WrittenTo);
    }

    [Fact]
    public async Task QuickSetsTheEnvironmentSwitchOnlyForTheRun()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("quick.ipynb", "Environment.GetEnvironmentVariable(\"AEVB_QUICK\") ?? \"unset\"");
        var before = Environment.GetEnvironmentVariable("AEVB_QUICK");
        var quick = await Run(path, new NotebookRunOptions { Quick = true, Save = false });
        Assert.Equal("1", OutputsOf.Text(OutputsOf.Cell(quick.Notebook, 1).Single()));
        Assert.Null(quick.WrittenTo);
        Assert.Equal(before, Environment.GetEnvironmentVariable("AEVB_QUICK"));
    }

    [Fact]
    public async Task ACellOverItsTimeLimitStopsTheRunEvenWhenErrorsAreAllowed()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("slow.ipynb", "var a = 1;", "System.Threading.Thread.Sleep(3000);", "a + 1");
        var result = await Run(path, new NotebookRunOptions { TimeoutPerCell = TimeSpan.FromMilliseconds(300), AllowErrors = true });
        Assert.Equal(2, result.Cells.Count);
        Assert.Equal(CellErrorKind.Timeout, result.FirstFailure!.Error!.Kind);
        Assert.Equal("System.TimeoutException", OutputsOf.Cell(result.Notebook, 2).Single()["ename"]!.GetValue<string>());
        Assert.Null(result.Notebook.Cells[2].ExecutionCount);
    }

    [Fact]
    public async Task AnExecutedNotebookResavesByteForByte()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("again.ipynb", "md:# é <b> & 'q' 🎉", "Console.WriteLine(\"<&> 漢字 🎉\");\n1.5");
        await Run(path);
        var executed = File.ReadAllBytes(path);
        Notebook.Load(path).Save(path);
        Assert.Equal(executed, File.ReadAllBytes(path));
        Assert.Contains("<&> 漢字 🎉", System.Text.Encoding.UTF8.GetString(executed)); // written raw, as Jupyter does
    }
}
