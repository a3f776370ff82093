using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Aevb.Polyglot.Tests;

/// <summary>
/// Runs a notebook with our runner, the CLI's <c>aevb notebook run --quick --out FILE</c>, in a separate process
/// (our runner uses a newer Roslyn than the kernel's, and the two cannot share a process), and reads its outputs back.
/// </summary>
internal static class OurRunner
{
    public static async Task<List<CellOutputs>> RunAsync(string notebookPath, IReadOnlyDictionary<string, string> environment, string outputPath)
    {
        var cli = Repository.CliAssembly;
        var start = new ProcessStartInfo(Repository.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var a in new[] { cli, "notebook", "run", notebookPath, "--quick", "--out", outputPath }) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0,
            $"our runner failed on {Path.GetFileName(notebookPath)} (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
        return Read(outputPath);
    }

    /// <summary>Each code cell's outputs as our runner wrote them to the .ipynb.</summary>
    public static List<CellOutputs> Read(string ipynbPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(ipynbPath))!.AsObject();
        var cells = new List<CellOutputs>();
        var index = 0;
        foreach (var cell in root["cells"]!.AsArray())
        {
            index++;
            if (cell!["cell_type"]!.GetValue<string>() != "code") continue;
            var values = new List<Dictionary<string, string>>();
            var stdout = "";
            var stderr = "";
            string? failure = null;
            foreach (var output in cell["outputs"]!.AsArray().OfType<JsonObject>())
            {
                switch (output["output_type"]!.GetValue<string>())
                {
                    case "stream" when output["name"]?.GetValue<string>() == "stderr": stderr += Join(output["text"]); break;
                    case "stream": stdout += Join(output["text"]); break;
                    case "error": failure = output["evalue"]?.GetValue<string>() ?? "error"; break;
                    default:
                        values.Add(output["data"]!.AsObject().ToDictionary(p => p.Key, p => Join(p.Value)));
                        break;
                }
            }
            cells.Add(new CellOutputs(index, values, stdout, stderr, failure));
        }
        return cells;
    }

    private static string Join(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        _ => node.GetValue<string>(),
    };
}

/// <summary>Where things are: the repository, the CLI and library built beside this test, the dotnet host.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string NotebooksDir => Path.Combine(Root, "notebooks");

    /// <summary>Release or Debug: the configuration this test project was built in (the folder above net10.0/).</summary>
    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string CliAssembly
    {
        get
        {
            var path = Path.Combine(Root, "src", "Aevb.Cli", "bin", Configuration, "net10.0", "Aevb.Cli.dll");
            Assert.True(File.Exists(path), $"{path} is missing: build the solution first (`dotnet build -c {Configuration}`).");
            return path;
        }
    }

    /// <summary>The notebooks' <c>#r "../src/Aevb/bin/Release/net9.0/Aevb.dll"</c>.</summary>
    public static string LibraryAssembly => Path.Combine(Root, "src", "Aevb", "bin", "Release", "net9.0", "Aevb.dll");

    public static string DotnetHost
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// The variables both runs get: quick mode, and the data sets from AEVB_DATA_DIR or, when it is unset, the
    /// ../shared/data beside the checkout when there is one (as tests/Aevb.Notebooks.Tests does).
    /// </summary>
    public static Dictionary<string, string> NotebookEnvironment()
    {
        var env = new Dictionary<string, string> { ["AEVB_QUICK"] = "1" };
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("AEVB_DATA_DIR")))
        {
            var shared = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));
            if (Directory.Exists(shared)) env["AEVB_DATA_DIR"] = shared;
        }
        return env;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aevb.Notebooks.sln"))) return dir.FullName;
        throw new InvalidOperationException("Aevb.Notebooks.sln not found above " + AppContext.BaseDirectory);
    }
}
