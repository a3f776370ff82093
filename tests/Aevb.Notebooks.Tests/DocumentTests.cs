using System.Text;
using System.Text.Json.Nodes;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Tests;

public class DocumentTests
{
    private static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "Samples", name);

    [Fact]
    public void ResavingAJupyterWrittenNotebookChangesNoByte()
    {
        // Written by Python's json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        // as nbformat does: raw non-ASCII and emoji, < > & ' unescaped, \u001b escaped, 1e-05, -0.0.
        var path = SamplePath("jupyter-layout.ipynb");
        var original = File.ReadAllBytes(path);
        using var dir = new TempNotebookDir();
        var copy = dir.PathOf("copy.ipynb");
        Notebook.Load(path).Save(copy);
        Assert.Equal(original, File.ReadAllBytes(copy));
    }

    [Fact]
    public void ModelReadsTheSampleFaithfully()
    {
        var notebook = Notebook.Load(SamplePath("jupyter-layout.ipynb"));
        Assert.Equal(3, notebook.Cells.Count);
        Assert.Contains("Café <b> & 'quotes' \"dq\" \\ back\n", notebook.Cells[0].Source);
        Assert.Contains("Emoji 🎉", notebook.Cells[0].Source);
        Assert.Contains("\u001b", notebook.Cells[0].Source);
        Assert.Equal(3, notebook.Cells[1].ExecutionCount);
        Assert.Equal("csharp", notebook.Cells[1].KernelName);
        Assert.Equal("csharp", notebook.DefaultKernelName);
        Assert.Equal("", notebook.Cells[2].Source);
    }

    [Fact]
    public void KeyOrderIndentAndLineEndingsOfTheFileAreKept()
    {
        // Unsorted keys, 2-space indent, CRLF: not Jupyter's choice, but a re-save must not churn it.
        var json = "{\r\n  \"nbformat_minor\": 5,\r\n  \"nbformat\": 4,\r\n  \"metadata\": {\r\n    \"z\": 1.50,\r\n    \"a\": \"x\"\r\n  },\r\n  \"cells\": []\r\n}\r\n";
        var notebook = Notebook.Parse(json, "unsorted.ipynb");
        Assert.Equal(2, notebook.Indent);
        Assert.Equal(json, notebook.ToJson());
    }

    [Fact]
    public void EditedOutputsAreWrittenInJupyterLayout()
    {
        var notebook = Notebook.CreatePolyglot();
        var cell = notebook.AddCodeCell("Console.WriteLine(1);\n1");
        cell.Outputs.Add(NotebookOutputs.Stream("stdout", "a <b> & é\nsecond"));
        cell.ExecutionCount = 1;
        var json = notebook.ToJson();
        Assert.EndsWith("}\n", json);
        Assert.Contains("\n   \"execution_count\": 1,\n", json);
        Assert.Contains("\"text\": [\n      \"a <b> & é\\n\",\n      \"second\"\n     ]", json);
        Assert.Contains("\"source\": [\n    \"Console.WriteLine(1);\\n\",\n    \"1\"\n   ]", json);
        Assert.Equal(json, Notebook.Parse(json).ToJson());
    }

    [Fact]
    public void NewNotebooksCarryPolyglotMetadata()
    {
        var notebook = Notebook.CreatePolyglot();
        notebook.AddCodeCell("var x = 1;");
        notebook.AddMarkdownCell("# Title");
        Assert.Equal(".net-csharp", notebook.Metadata["kernelspec"]!["name"]!.GetValue<string>());
        Assert.Equal(".NET (C#)", notebook.Metadata["kernelspec"]!["display_name"]!.GetValue<string>());
        Assert.Equal("csharp", notebook.DefaultKernelName);
        Assert.Equal("csharp", notebook.Cells[0].Metadata["polyglot_notebook"]!["kernelName"]!.GetValue<string>());
        Assert.Equal(4, notebook.FormatMajor);
        Assert.Empty(NotebookValidator.Check(notebook));
    }

    [Fact]
    public void TemplateReferencesTheBuiltLibraryRelativeToTheNotebook()
    {
        var root = OutputsOf.RepositoryRoot();
        var path = Path.Combine(root, "notebooks", "99-example.ipynb"); // not written
        var notebook = NotebookTemplate.Create(path);
        Assert.Contains("#r \"../src/Aevb/bin/Release/net9.0/Aevb.dll\"", notebook.Cells[1].Source);
        Assert.Contains("AEVB_QUICK", notebook.Cells[3].Source);
        Assert.StartsWith("# Example", notebook.Cells[0].Source);
        Assert.Empty(NotebookValidator.Check(notebook));
    }

    [Fact]
    public void TemplateOutsideTheRepositoryReferencesTheLibraryByAbsolutePath()
    {
        using var dir = new TempNotebookDir();   // under the temp folder, outside any checkout
        var root = OutputsOf.RepositoryRoot();
        var reference = NotebookTemplate.LibraryReference(dir.Dir, toolDirectory: Path.Combine(root, "src", "Aevb.Cli"));
        Assert.Equal(Path.Combine(root, NotebookTemplate.LibraryDllFromRoot).Replace('\\', '/'), reference);
        Assert.True(Path.IsPathRooted(reference));
        Assert.Contains($"#r \"{reference}\"", NotebookTemplate.Create(dir.PathOf("mine.ipynb")).Cells[1].Source);
    }

    [Theory]
    [InlineData("a\nb", new[] { "a\n", "b" })]
    [InlineData("a\nb\n", new[] { "a\n", "b\n" })]
    [InlineData("", new string[0])]
    [InlineData("\n", new[] { "\n" })]
    public void SourceIsStoredAsJupyterLineArrays(string text, string[] lines)
    {
        var array = NotebookCell.SplitLines(text);
        Assert.Equal(lines, array.Select(n => n!.GetValue<string>()).ToArray());
        Assert.Equal(text, NotebookCell.JoinMultiline(array));
    }

    [Fact]
    public void BadFilesGetAnErrorNamingTheFile()
    {
        using var dir = new TempNotebookDir();
        var truncated = dir.PathOf("cut.ipynb");
        File.WriteAllText(truncated, "{\n \"cells\": [\n");
        var e = Assert.Throws<NotebookFormatException>(() => Notebook.Load(truncated));
        Assert.Contains("cut.ipynb", e.Message);
        Assert.Contains("not valid JSON", e.Message);

        var v3 = dir.PathOf("v3.ipynb");
        File.WriteAllText(v3, "{\"cells\": [], \"nbformat\": 3}");
        Assert.Contains("nbformat 3", Assert.Throws<NotebookFormatException>(() => Notebook.Load(v3)).Message);

        Assert.Contains("missing.ipynb", Assert.Throws<NotebookFormatException>(() => Notebook.Load(dir.PathOf("missing.ipynb"))).Message);
    }

    [Fact]
    public void CheckReportsMissingMetadataAndCellsTheRunnerCannotExecute()
    {
        var json = """
        {
         "cells": [
          { "cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["var x = 1;"] },
          { "cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "fsharp"}}, "outputs": [], "source": ["let x = 1"] },
          { "cell_type": "code", "execution_count": null, "metadata": {"polyglot_notebook": {"kernelName": "csharp"}}, "outputs": [], "source": ["var y = 2;\n", "#!time\n", "#r \"nuget: Plotly.NET\""] }
         ],
         "metadata": {},
         "nbformat": 4,
         "nbformat_minor": 2
        }
        """;
        var notebook = Notebook.Parse(json, "mixed.ipynb");
        var problems = NotebookValidator.Check(notebook).Select(p => p.ToString()).ToList();
        Assert.Contains(problems, p => p.Contains("kernelspec"));
        Assert.Contains(problems, p => p.Contains("defaultKernelName"));
        Assert.Contains(problems, p => p.StartsWith("cell 1:") && p.Contains("kernelName"));
        Assert.Contains(problems, p => p.StartsWith("cell 2:") && p.Contains("'fsharp'"));
        Assert.Contains(problems, p => p.StartsWith("cell 3, line 2:") && p.Contains("#!time"));
        Assert.Contains(problems, p => p.StartsWith("cell 3, line 3:") && p.Contains("nuget"));

        Assert.True(NotebookValidator.Fix(notebook) > 0);
        var after = NotebookValidator.Check(notebook).Select(p => p.ToString()).ToList();
        Assert.DoesNotContain(after, p => p.Contains("kernelspec") || p.Contains("defaultKernelName") || p.StartsWith("cell 1"));
        Assert.Equal(3, after.Count); // the fsharp cell and the two lines of cell 3 need a person
    }

    [Fact]
    public void SavingIsAtomicAndLeavesNoTempFiles()
    {
        using var dir = new TempNotebookDir();
        var path = dir.Write("a.ipynb", "var x = 1;");
        Notebook.Load(path).Save(path);
        Assert.Single(Directory.GetFiles(dir.Dir));
        Assert.Equal(Encoding.UTF8.GetString(File.ReadAllBytes(path)), Notebook.Load(path).ToJson());
    }
}
