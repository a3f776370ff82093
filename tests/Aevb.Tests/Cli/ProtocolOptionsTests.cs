using System.CommandLine;
using System.Globalization;
using Aevb.Cli.Commands;
using Aevb.Training.Runs;

namespace Aevb.Tests.Cli;

/// <summary>
/// <c>reproduce fig2|fig3</c>'s protocol options are built from <see cref="FigureProtocol.Options"/> alone: every
/// value each accepts sets its property and nothing else, and comes back as the same text from
/// <see cref="ProtocolOptions.Arguments"/> (what <c>--list-runs</c> writes); a value out of range is refused in one
/// line naming the option.
/// </summary>
public class ProtocolOptionsTests
{
    private static (ParseResult Result, FigureProtocol Protocol) Parse(params string[] args)
    {
        var command = new Command("fig");
        var options = new ProtocolOptions();
        options.AddTo(command);
        var result = command.Parse(args);
        return (result, result.Errors.Count == 0 ? options.Read(result) : new FigureProtocol());
    }

    /// <summary>Texts each option accepts: every word of a choice, the switch alone, a number inside its bounds
    /// (a fraction where the type takes one, so its formatting is exercised).</summary>
    public static TheoryData<string, string> AcceptedTexts()
    {
        var data = new TheoryData<string, string>();
        foreach (var (property, option) in FigureProtocol.Options)
            foreach (var text in Accepted(Nullable.GetUnderlyingType(property.PropertyType)!, option))
                data.Add(property.Name, text);
        return data;
    }

    private static IEnumerable<string> Accepted(Type type, ProtocolOptionAttribute o)
    {
        if (type.IsEnum) return Enum.GetNames(type).Select(n => $"{o.Name} {n.ToLowerInvariant()}");
        if (type == typeof(bool)) return o.No is null ? [o.Name] : [$"{o.Name} {o.No}", $"{o.Name} {o.Yes}"];
        return type == typeof(float) ? [$"{o.Name} 0.25", $"{o.Name} 0.5"] : [$"{o.Name} 7", $"{o.Name} 1"];
    }

    [Theory]
    [MemberData(nameof(AcceptedTexts))]
    public void EachOptionRoundTripsThroughTheProtocol(string property, string text)
    {
        var (result, protocol) = Parse(text.Split(' '));

        Assert.Empty(result.Errors);
        foreach (var (member, _) in FigureProtocol.Options)
            Assert.Equal(member.Name == property, member.GetValue(protocol) is not null);
        Assert.Equal(" " + text, ProtocolOptions.Arguments(protocol));
    }

    [Fact]
    public void AllOptionsTogetherRoundTripInTheirOrder()
    {
        var text = string.Join(' ', FigureProtocol.Options.Select(o =>
            Accepted(Nullable.GetUnderlyingType(o.Property.PropertyType)!, o.Option).Last()));
        var (result, protocol) = Parse(text.Split(' '));

        Assert.Empty(result.Errors);
        Assert.All(FigureProtocol.Options, o => Assert.NotNull(o.Property.GetValue(protocol)));
        Assert.Equal(" " + text, ProtocolOptions.Arguments(protocol));
        Assert.Equal(protocol, Parse(ProtocolOptions.Arguments(protocol).Trim().Split(' ')).Protocol);
    }

    [Fact]
    public void ANumberOutOfItsBoundsIsRefusedInOneLineNamingTheOption()
    {
        foreach (var (_, option) in FigureProtocol.Options.Where(o => o.Option.IsChecked))
        {
            var below = double.IsFinite(option.Above) ? option.Above.ToString(CultureInfo.InvariantCulture) : null;
            foreach (var text in new[] { below, "abc", "nan" }.OfType<string>())
            {
                var error = Assert.Single(Parse(option.Name, text).Result.Errors).Message;
                Assert.Equal($"{option.Name}: '{text}' is not {option.Must}.", error);
            }
        }
        Assert.Equal("--mcem-target-acceptance: '1' is not a number between 0 and 1.",
            Assert.Single(Parse("--mcem-target-acceptance", "1").Result.Errors).Message);
        Assert.Equal("--anneal: '1e3' is not a positive whole number of samples.",
            Assert.Single(Parse("--anneal", "1e3").Result.Errors).Message);
    }

    [Fact]
    public void AWordNotAmongTheChoicesIsRefused()
    {
        Assert.NotEmpty(Parse("--frey-split", "diagonal").Result.Errors);
        Assert.NotEmpty(Parse("--ws-dreams", "Means").Result.Errors);
        Assert.NotEmpty(Parse("--mcem-chain-start", "fresh").Result.Errors);
    }

    [Fact]
    public void ASwitchLeftOffOrSetFalseKeepsThePlansValue()
    {
        Assert.Null(Parse("--binarize", "false").Protocol.BinarizeMnist);
        Assert.Equal("", ProtocolOptions.Arguments(new FigureProtocol { BinarizeMnist = false }));
        Assert.Equal("", ProtocolOptions.Arguments(new FigureProtocol()));
    }
}
