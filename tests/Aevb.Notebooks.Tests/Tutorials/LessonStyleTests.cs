using System.Text.RegularExpressions;
using Aevb.Notebooks.Documents;

namespace Aevb.Notebooks.Tests.Tutorials;

/// <summary>
/// The tutorial notebooks' conventions (ARCHITECTURE.md, Notebooks): code cells a student can take in at a glance, and
/// one heading style across the six notebooks. Reads the committed notebooks; runs nothing.
/// </summary>
public sealed partial class LessonStyleTests
{
    private const int MaxCodeLines = 15;

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(NotebooksDir, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(path));
        return data;
    }

    private static string NotebooksDir => Path.Combine(OutputsOf.RepositoryRoot(), "notebooks");

    private static Notebook Load(string name) => Notebook.Load(Path.Combine(NotebooksDir, name));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void EveryCodeCellHasAtMostFifteenLines(string name)
    {
        var cells = Load(name).Cells;
        var tooLong = Enumerable.Range(0, cells.Count)
            .Where(i => cells[i].IsCode && cells[i].Source.TrimEnd('\n').Split('\n').Length > MaxCodeLines)
            .Select(i => $"cell {i} ({cells[i].Source.TrimEnd('\n').Split('\n').Length} lines)").ToList();
        Assert.True(tooLong.Count == 0, $"{name}: {string.Join(", ", tooLong)} over {MaxCodeLines} lines; move what the lesson " +
            "does not need to show into the library, or split the cell with prose between.");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void HeadingsFollowOneStyle(string name)
    {
        var headings = Load(name).Cells.Where(c => c.IsMarkdown)
            .SelectMany(c => c.Source.Split('\n')).Where(l => l.StartsWith('#')).ToList();
        var number = int.Parse(name[..2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(headings.Count > 0 && headings[0].StartsWith($"# {number} · ", StringComparison.Ordinal),
            $"{name}: the title must read '# {number} · Title', not '{headings.FirstOrDefault()}'");
        Assert.Single(headings, h => h.StartsWith("# ", StringComparison.Ordinal));
        var sections = 0;
        foreach (var h in headings.Skip(1))
        {
            if (h is "## Settings" or "## Summary") continue;
            var section = Section().Match(h);
            if (section.Success)
            {
                Assert.True(int.Parse(section.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) == ++sections,
                    $"{name}: '{h}' should be section {sections}");
                continue;
            }
            Assert.True(Subsection().IsMatch(h), $"{name}: '{h}' is neither '## N. Title', '## Settings', '## Summary' nor '### Title'");
            if (h.StartsWith("### Exercise", StringComparison.Ordinal))
                Assert.Matches($@"^### Exercise {number}\.\d+ · \S", h);
        }
    }

    [GeneratedRegex(@"^## (\d+)\. \S")]
    private static partial Regex Section();

    [GeneratedRegex(@"^### [^#\s]")]
    private static partial Regex Subsection();
}
