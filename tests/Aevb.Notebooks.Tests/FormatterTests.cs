using Aevb.Notebooks.Formatting;
using Aevb.Notebooks.Running;
using Some.Library.Display;

namespace Some.Library.Display
{
    // The .NET Interactive convention, declared by "a library" in a namespace of its own: the
    // runner matches the attribute by class name, not by type identity.
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface)]
    public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
    {
        public Type FormatterSourceType { get; } = formatterSourceType;
        public string[]? PreferredMimeTypes { get; set; }
    }

    [TypeFormatterSource(typeof(GaugeFormatterSource), PreferredMimeTypes = ["text/html"])]
    public class Gauge(double level)
    {
        public double Level { get; } = level;
    }

    public sealed class RedGauge(double level) : Gauge(level);

    public sealed class GaugeFormatterSource
    {
        public IEnumerable<object> CreateTypeFormatters() =>
        [
            new Formatter("text/html", (g, w) => w.Write($"<meter value=\"{g.Level}\"></meter>")),
            new Formatter("image/png", (g, w) => w.Write(Convert.ToBase64String(Png))),
            new Formatter("text/plain", (g, w) => w.Write($"Gauge at {g.Level}")),
            new Formatter("application/x-declines", (_, _) => { }, declines: true),
        ];

        /// <summary>A real 1x1 PNG.</summary>
        public static readonly byte[] Png = Convert.FromBase64String(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

        private sealed class Formatter(string mimeType, Action<Gauge, TextWriter> write, bool declines = false)
        {
            public string MimeType { get; } = mimeType;

            public bool Format(object instance, TextWriter writer)
            {
                if (declines) return false;
                write((Gauge)instance, writer);
                return true;
            }
        }
    }
}

namespace Aevb.Notebooks.Tests
{
    [Collection("runner")]
    public class FormatterTests
    {
        [Fact]
        public void ConventionFormattersProduceEveryMimeType()
        {
            var formatted = ValueFormatter.Format(new Gauge(0.5));
            Assert.Equal(["image/png", "text/html", "text/plain"], formatted.Bundle.Keys.Order());
            Assert.Equal("<meter value=\"0.5\"></meter>", formatted.Bundle["text/html"]);
            Assert.Equal(GaugeFormatterSource.Png, Convert.FromBase64String(formatted.Bundle["image/png"]));
            Assert.Equal("Gauge at 0.5", formatted.PlainText);
            Assert.Equal(["text/html"], formatted.PreferredMimeTypes);
            Assert.Empty(formatted.Warnings);
        }

        [Fact]
        public void BaseTypesAttributeAppliesToDerivedTypes()
            => Assert.Equal("Gauge at 2", ValueFormatter.Format(new RedGauge(2)).PlainText);

        [Fact]
        public void MimeTypesCanBeRestricted()
        {
            var formatted = ValueFormatter.Format(new Gauge(1), ["text/html"]);
            Assert.Equal(["text/html"], formatted.Bundle.Keys);
        }

        [Fact]
        public void PlainValuesFallBackToReadableText()
        {
            Assert.Equal("<null>", ValueFormatter.Format(null).PlainText);
            Assert.Equal("3.25", ValueFormatter.Format(3.25).PlainText);
            Assert.Equal("double[2] [ 1.5, 2 ]", ValueFormatter.Format(new[] { 1.5, 2.0 }).PlainText);
            Assert.Equal("[ \"a\", \"b\" ]", ValueFormatter.Format(new List<string> { "a", "b" }).PlainText);
            Assert.Equal("{ \"x\": 1 }", ValueFormatter.Format(new Dictionary<string, int> { ["x"] = 1 }).PlainText);
            Assert.Equal($"int[30] [ {string.Join(", ", Enumerable.Range(0, 20))}, … (10 more) ]", ValueFormatter.Format(Enumerable.Range(0, 30).ToArray()).PlainText);
            Assert.Equal("int[2, 2]\n[ 1, 2 ]\n[ 3, 4 ]", ValueFormatter.Format(new[,] { { 1, 2 }, { 3, 4 } }).PlainText);
            Assert.Equal("Plain { A = 1, B = \"b\" }", ValueFormatter.Format(new Plain()).PlainText);
        }

        private sealed class Plain
        {
            public int A => 1;
            public string B => "b";
        }

        [Fact]
        public async Task TheRunnerHonoursTheConventionForTypesDeclaredInTheNotebook()
        {
            // The attribute, the source and the formatted type all live in the notebook itself.
            using var dir = new TempNotebookDir();
            var path = dir.Write("formatters.ipynb",
                "class TypeFormatterSourceAttribute : Attribute\n{\n    public TypeFormatterSourceAttribute(Type t) => FormatterSourceType = t;\n    public Type FormatterSourceType { get; }\n}\n" +
                "class HtmlFormatter\n{\n    public string MimeType => \"text/html\";\n    public bool Format(object instance, System.IO.TextWriter writer) { writer.Write($\"<b>{((Money)instance).Amount} €</b>\"); return true; }\n}\n" +
                "class PngFormatter\n{\n    public string MimeType => \"image/png\";\n    public bool Format(object instance, System.IO.TextWriter writer) { writer.Write(\"iVBORw0KGgo=\"); return true; }\n}\n" +
                "class MoneyFormatters { public IEnumerable<object> CreateTypeFormatters() => new object[] { new HtmlFormatter(), new PngFormatter() }; }\n" +
                "[TypeFormatterSource(typeof(MoneyFormatters))]\nrecord Money(decimal Amount);",
                "display(new Money(3));\nnew Money(4)");
            var result = await NotebookRunner.RunAsync(path);
            Assert.True(result.Succeeded, string.Join("\n", result.Cells.Select(c => c.Error?.EValue)));
            var outputs = OutputsOf.Cell(result.Notebook, 2);
            Assert.Equal(["display_data", "execute_result"], outputs.Select(OutputsOf.Type));
            Assert.Equal("<b>3 €</b>", OutputsOf.Text(outputs[0], "text/html"));
            Assert.Equal("iVBORw0KGgo=", OutputsOf.Text(outputs[0], "image/png"));
            Assert.Equal("Money { Amount = 3 }", OutputsOf.Text(outputs[0])); // text/plain added by the runner
            Assert.Equal("<b>4 €</b>", OutputsOf.Text(outputs[1], "text/html"));
            // image/png is one base64 string in the file, text types are line arrays (nbformat).
            Assert.IsType<System.Text.Json.Nodes.JsonValue>(outputs[0]["data"]!["image/png"], exactMatch: false);
            Assert.IsType<System.Text.Json.Nodes.JsonArray>(outputs[0]["data"]!["text/html"]);
        }

        [Fact]
        public void AFormatterWritingSomethingOtherThanBase64ForPngIsDroppedWithAWarning()
        {
            var formatted = ValueFormatter.Format(new BadPng());
            Assert.False(formatted.Bundle.ContainsKey("image/png"));
            Assert.Contains(formatted.Warnings, w => w.Contains("base64"));
            Assert.True(formatted.Bundle.ContainsKey("text/plain"));
        }

        [TypeFormatterSource(typeof(BadPngSource))]
        private sealed class BadPng;

        private sealed class BadPngSource
        {
            public IEnumerable<object> CreateTypeFormatters() => [new RawPng()];
        }

        private sealed class RawPng
        {
            public string MimeType => "image/png";
            public bool Format(object instance, TextWriter writer) { writer.Write("\u0089PNG raw bytes"); return true; }
        }
    }
}
