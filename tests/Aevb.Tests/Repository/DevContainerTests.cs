using System.Text.Json;
using System.Text.RegularExpressions;

namespace Aevb.Tests.Repository;

/// <summary>The dev container is the advertised way to get a working setup; keep what it names real.</summary>
public class DevContainerTests
{
    private static readonly string Root = RepoRoot.Find();

    private static JsonElement Load()
    {
        var path = Path.Combine(Root, ".devcontainer", "devcontainer.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return doc.RootElement.Clone();
    }

    [Fact]
    public void InstallsDotNet10AndNode()
    {
        // .NET 10 alone: Polyglot's dotnet-interactive 1.0.712001 runs on it and loads the net9.0 library.
        var features = Load().GetProperty("features");
        var dotnet = features.EnumerateObject().Single(f => f.Name.Contains("/dotnet:")).Value;
        Assert.StartsWith("10.", dotnet.GetProperty("version").GetString());
        Assert.False(dotnet.TryGetProperty("additionalVersions", out var extra) && extra.GetString()!.Contains("9.0"), "no .NET 9 needed");
        Assert.Contains(features.EnumerateObject(), f => f.Name.Contains("/node:"));
    }

    [Fact]
    public void RecommendsNotebookExtensions()
    {
        var extensions = Load().GetProperty("customizations").GetProperty("vscode").GetProperty("extensions")
            .EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("ms-dotnettools.csdevkit", extensions);
        Assert.Contains("ms-toolsai.jupyter", extensions);
        Assert.Contains("ms-dotnettools.dotnet-interactive-vscode", extensions);
    }

    [Fact]
    public void PostCreateScriptAndThePathsItNamesExist()
    {
        var command = Load().GetProperty("postCreateCommand").GetString()!;
        var script = Regex.Match(command, @"\.devcontainer/[\w.-]+\.sh").Value;
        Assert.True(File.Exists(Path.Combine(Root, script)), $"{script} named by postCreateCommand does not exist");

        foreach (Match m in Regex.Matches(File.ReadAllText(Path.Combine(Root, script)), @"--project (\S+)"))
        {
            var project = Path.Combine(Root, m.Groups[1].Value);
            Assert.True(Directory.Exists(project) || File.Exists(project), $"{m.Groups[1].Value} named in {script} does not exist");
        }
    }
}
