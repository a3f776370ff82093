using Aevb.Plotting;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>The paper's readings on Figures 2 and 3: the legend must say what each marker shape stands for.</summary>
public class FigureLegendTests
{
    public static TheoryData<string> Figures => new() { "fig2", "fig3" };

    [Theory]
    [MemberData(nameof(Figures))]
    public void Each_legend_entry_of_the_papers_readings_has_one_marker_shape_and_names_its_split(string figure)
    {
        var chart = figure == "fig2" ? FigureCharts.Figure2([]) : FigureCharts.Figure3([]);
        var paper = chart.Traces.OfType<ScatterTrace>().Where(t => t.Name!.StartsWith("paper: ", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(paper);
        Assert.All(paper.GroupBy(t => t.Name), g => Assert.Single(g.Select(t => t.MarkerSymbol).Distinct()));
        Assert.All(paper.GroupBy(t => t.Name), g => Assert.Single(g, t => t.ShowLegend != false));
        Assert.All(paper.Where(t => t.MarkerSymbol == "diamond-open"), t => Assert.EndsWith("(test)", t.Name));
        Assert.All(paper.Where(t => t.MarkerSymbol == "circle-open"), t => Assert.EndsWith("(train)", t.Name));
        Assert.Contains(paper, t => t.MarkerSymbol == "diamond-open");
    }
}
