using System.Reflection;
using Aevb.Display;
using Aevb.Plotting;

namespace Aevb.Tests.Plotting;

/// <summary>
/// Finds and runs formatters the way .NET Interactive and our runner do: by the attribute's
/// name and members, through reflection only, with no compile-time knowledge of our types.
/// </summary>
public class FormatterConventionTests
{
    private sealed record Found(string[] PreferredMimeTypes, List<object> Formatters);

    private static Found Discover(Type type)
    {
        var attribute = type.GetCustomAttributes(inherit: true).Single(a => a.GetType().Name == "TypeFormatterSourceAttribute");
        var sourceType = (Type)attribute.GetType().GetProperty("FormatterSourceType")!.GetValue(attribute)!;
        var preferred = (string[]?)attribute.GetType().GetProperty("PreferredMimeTypes")?.GetValue(attribute) ?? [];
        var source = Activator.CreateInstance(sourceType)!;
        var formatters = ((IEnumerable<object>)sourceType.GetMethod("CreateTypeFormatters")!.Invoke(source, null)!).ToList();
        return new Found(preferred, formatters);
    }

    private static string MimeOf(object formatter) => (string)formatter.GetType().GetProperty("MimeType")!.GetValue(formatter)!;

    private static (bool Ok, string Text) Run(object formatter, object value)
    {
        var writer = new StringWriter();
        var method = formatter.GetType().GetMethod("Format", BindingFlags.Public | BindingFlags.Instance, [typeof(object), typeof(TextWriter)])!;
        var ok = (bool)method.Invoke(formatter, [value, writer])!;
        return (ok, writer.ToString());
    }

    [Theory]
    [InlineData(typeof(Chart))]
    [InlineData(typeof(ImageGrid))]
    public void Attribute_points_to_html_png_and_plain_text_formatters(Type type)
    {
        var found = Discover(type);
        Assert.Equal(new[] { "text/html", "image/png", "text/plain" }, found.Formatters.Select(MimeOf));
        Assert.Equal("text/html", found.PreferredMimeTypes.First());
        Assert.Contains("image/png", found.PreferredMimeTypes);
        Assert.Equal("Aevb.Display", typeof(TypeFormatterSourceAttribute).Namespace);
        var usage = typeof(TypeFormatterSourceAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.True(usage.ValidOn.HasFlag(AttributeTargets.Class));
    }

    [Fact]
    public void Image_grid_png_formatter_writes_bare_base64_of_the_png()
    {
        var grid = new ImageGrid(new[] { new float[28 * 28], Enumerable.Repeat(1f, 28 * 28).ToArray() }, 28, 28);
        var formatters = Discover(typeof(ImageGrid)).Formatters;
        var (ok, text) = Run(formatters.Single(f => MimeOf(f) == "image/png"), grid);
        Assert.True(ok);
        Assert.DoesNotContain("data:", text);
        var image = Png.Decode(Convert.FromBase64String(text));
        Assert.Equal((grid.PixelWidth, grid.PixelHeight), (image.Width, image.Height));

        var (htmlOk, html) = Run(formatters.Single(f => MimeOf(f) == "text/html"), grid);
        Assert.True(htmlOk);
        Assert.Contains("<img", html);
        Assert.Contains("ImageGrid", Run(formatters.Single(f => MimeOf(f) == "text/plain"), grid).Text);
    }

    [Fact]
    public void Chart_html_formatter_writes_the_fragment()
    {
        var chart = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 }, name: "x");
        var html = Discover(typeof(Chart)).Formatters.Single(f => MimeOf(f) == "text/html");
        var (ok, text) = Run(html, chart);
        Assert.True(ok);
        Assert.Equal(chart.ToHtmlFragment(), text);
    }

    [Fact]
    public void Without_a_renderer_the_chart_has_no_png_and_plain_text_says_why()
    {
        var missing = new ChartRenderer(chromiumPath: "/nonexistent/chromium");
        var formatters = new ChartFormatterSource(() => missing).CreateTypeFormatters().Cast<DisplayFormatter>().ToList();
        var chart = Chart.Line(new[] { 1, 2 }, new[] { 3, 4 }).WithTitle("ELBO");

        var png = formatters.Single(f => f.MimeType == MimeTypes.Png);
        var writer = new StringWriter();
        Assert.False(png.Format(chart, writer));
        Assert.Equal("", writer.ToString());

        var (ok, text) = Run(formatters.Single(f => f.MimeType == MimeTypes.PlainText), chart);
        Assert.True(ok);
        Assert.StartsWith("Chart 'ELBO': 1 trace", text);
        Assert.Contains("no static image", text);
        Assert.Contains("/nonexistent/chromium", text);
    }

    [Fact]
    public void Formatters_decline_other_types()
    {
        foreach (var f in Discover(typeof(Chart)).Formatters.Concat(Discover(typeof(ImageGrid)).Formatters))
        {
            var (ok, text) = Run(f, "not a chart");
            Assert.False(ok);
            Assert.Equal("", text);
        }
    }
}
