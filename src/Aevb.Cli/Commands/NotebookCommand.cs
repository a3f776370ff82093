using System.CommandLine;
using Aevb.Notebooks;
using Aevb.Notebooks.Documents;
using Aevb.Notebooks.Running;

namespace Aevb.Cli.Commands;

/// <summary>
/// <c>aevb notebook run|check|export|new</c>: the headless Polyglot-compatible notebook runner
/// (ARCHITECTURE.md, "The rooms"), the metadata checker, exporters to HTML and to a .NET 10 file-based app, and a
/// new-notebook template.
/// </summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook",
            "Run, check, export or create .ipynb notebooks (Polyglot Notebooks format, C#) without Polyglot "
            + "Notebooks.");
        command.Subcommands.Add(NotebookRunCommand.Create());
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(NotebookExportCommand.Create());
        command.Subcommands.Add(CreateNew());
        return command;
    }

    internal static Argument<string> FileArgument(string description) => new("file") { Description = description };

    private static Command CreateCheck()
    {
        var file = FileArgument("The notebook to check (.ipynb).");
        var fix = new Option<bool>("--fix")
        {
            Description = "Add missing Polyglot metadata (kernelspec, kernel info, per-cell kernel names) and save.",
        };
        var command = new Command("check",
            "Validate a notebook's metadata and report cells the runner cannot execute (other kernels, magics, "
            + "NuGet references).")
        {
            file, fix,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            try
            {
                var notebook = Notebook.Load(path);
                if (parseResult.GetValue(fix))
                {
                    var edits = NotebookValidator.Fix(notebook);
                    if (edits > 0)
                    {
                        // A read-only file is refused, not replaced.
                        OutputTarget.Check(path, new FileInfo(path).Length);
                        notebook.Save(path);
                        Console.Error.WriteLine($"{path}: added missing Polyglot metadata ({edits} edit(s)).");
                    }
                }
                var problems = NotebookValidator.Check(notebook);
                foreach (var p in problems) Console.Error.WriteLine($"{path}: {p}");
                if (problems.Count == 0)
                {
                    var code = notebook.Cells.Count(c => c.IsCode);
                    Console.WriteLine($"{path}: ok ({notebook.Cells.Count} cells, {code} C# code cells).");
                    return 0;
                }
                if (problems.Any(p => p.Fixable))
                    Console.Error.WriteLine($"{path}: `aevb notebook check --fix {path}` adds the missing metadata.");
                return 1;
            }
            catch (NotebookFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(
                    $"aevb notebook check: {path}: cannot save the fix: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    private static Command CreateNew()
    {
        var file = FileArgument("The notebook to create (.ipynb).");
        var title = new Option<string?>("--title")
        {
            Description = "Title for the first markdown cell (default: from the file name).",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("new",
            "Create a Polyglot Notebooks C# notebook that loads the Aevb library and has the Quick switch.")
        {
            file, title, force,
        };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(file)!;
            if (Directory.Exists(path))
            {
                Console.Error.WriteLine($"{path}: is a folder; give the notebook's file name "
                    + $"(e.g. {Path.Combine(path, "01-first-steps.ipynb")}).");
                return 2;
            }
            if (File.Exists(path) && !parseResult.GetValue(force))
            {
                Console.Error.WriteLine($"{path}: already exists; pass --force to overwrite it.");
                return 2;
            }
            try
            {
                var notebook = NotebookTemplate.Create(path, parseResult.GetValue(title));
                OutputTarget.Check(path, 16 << 10);
                notebook.Save(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"aevb notebook new: {OutputTarget.OneLine(e.Message)}");
                return 1;
            }
            Console.Error.WriteLine($"{path}: created; run it with `aevb notebook run {path}`.");
            return 0;
        });
        return command;
    }
}
