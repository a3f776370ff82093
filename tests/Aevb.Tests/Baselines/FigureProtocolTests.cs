using Aevb.Data;
using Aevb.Models;
using Aevb.Training.Runs;

namespace Aevb.Tests.Baselines;

/// <summary>
/// <see cref="FigureProtocol"/> applies every member to the <see cref="RunSettings"/> property of the same name, with
/// no line per setting to forget: each member, set alone to a value no plan uses, reaches the run it holds for.
/// </summary>
public class FigureProtocolTests
{
    [Fact]
    public void EveryMemberSetsTheRunSettingOfItsName()
    {
        var mnist = FigurePlan.Figure3(null, null, quick: true, "out")[0].Settings;
        var frey = FigurePlan.Figure2("frey", null, null, quick: true, "out")[0].Settings;
        var members = typeof(FigureProtocol).GetProperties().Where(p => p.Name != nameof(FigureProtocol.MethodOptions));
        foreach (var member in members)
        {
            var runProperty = typeof(RunSettings).GetProperty(member.Name)!;
            var plan = member.Name is "GaussianMean" or "GaussianVariance" or "FreySplit" ? frey : mnist;
            var value = Unused(Nullable.GetUnderlyingType(member.PropertyType)!, runProperty.GetValue(plan));
            var before = runProperty.GetValue(plan);
            var protocol = new FigureProtocol();
            member.SetValue(protocol, value);

            var applied = protocol.Apply(plan);

            Assert.Equal(value, runProperty.GetValue(applied));
            Assert.Equal(before, runProperty.GetValue(plan)); // the plan's own settings are not changed
        }
    }

    [Fact]
    public void ASettingForSomeDataSetsLeavesTheOthersAlone()
    {
        var mnist = FigurePlan.Figure3(null, null, quick: true, "out")[0].Settings;
        var protocol = new FigureProtocol
        {
            GaussianMean = GaussianMean.Linear, FreySplit = FreySplit.Tail,
        };
        Assert.Equal(mnist, protocol.Apply(mnist));
        var frey = FigurePlan.Figure2("frey", null, null, quick: true, "out")[0].Settings;
        Assert.False(new FigureProtocol { BinarizeMnist = true }.Apply(frey).BinarizeMnist);
    }

    /// <summary>Every setting carries its command-line option (name, help, and a check for every number but the one
    /// <see cref="RunSettings.Validate"/> alone checks), so the CLI has nothing to add for it.</summary>
    [Fact]
    public void EveryMemberCarriesItsCommandLineOption()
    {
        var members = typeof(FigureProtocol).GetProperties().Where(p => p.Name != nameof(FigureProtocol.MethodOptions));
        Assert.Equal(members.Select(p => p.Name).Order(), FigureProtocol.Options.Select(o => o.Property.Name).Order());
        var names = FigureProtocol.Options.Select(o => o.Option.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        foreach (var (property, option) in FigureProtocol.Options)
        {
            Assert.Matches("^--[a-z][a-z-]*$", option.Name);
            Assert.EndsWith(".", option.Description);
            var type = Nullable.GetUnderlyingType(property.PropertyType)!;
            if (type == typeof(bool) || type.IsEnum) continue;
            Assert.False(string.IsNullOrEmpty(option.HelpName), $"{option.Name} has no help name");
            Assert.True(option.IsChecked == option.Must is not null, $"{option.Name}: a check says what it wants");
            Assert.True(option.IsChecked || property.Name == nameof(FigureProtocol.ImportanceSamples),
                $"{option.Name} takes any number");
        }
    }

    /// <summary>A setting added without its option is refused by name when the protocol's type is first used, not
    /// left off the command line.</summary>
    [Fact]
    public void AMemberWithoutItsOptionIsRefusedByName()
    {
        var e = Assert.Throws<InvalidOperationException>(
            () => FigureProtocol.ProtocolOptionOf(typeof(ProtocolWithABareSetting).GetProperty("Bare")!));
        Assert.Contains("ProtocolWithABareSetting.Bare has no [ProtocolOption]", e.Message);
    }

    [Fact]
    public void AnOptionAcceptsOnlyFiniteNumbersStrictlyWithinItsBounds()
    {
        var rate = OptionOf(nameof(FigureProtocol.LearningRate));
        Assert.True(rate.Accepts(1e-9));
        Assert.All(new[] { 0, -1, double.NaN, double.PositiveInfinity }, v => Assert.False(rate.Accepts(v)));
        var acceptance = OptionOf(nameof(FigureProtocol.McemTargetAcceptance));
        Assert.True(acceptance.Accepts(0.65));
        Assert.False(acceptance.Accepts(1));
        Assert.False(acceptance.Accepts(0));
    }

    private static ProtocolOptionAttribute OptionOf(string property)
        => FigureProtocol.ProtocolOptionOf(typeof(FigureProtocol).GetProperty(property)!);

    private sealed record ProtocolWithABareSetting
    {
        public int? Bare { get; init; }
    }

    /// <summary>A value of <paramref name="type"/> other than <paramref name="current"/>.</summary>
    private static object Unused(Type type, object? current) => type switch
    {
        _ when type == typeof(int) => 7 + (current is 7 ? 1 : 0),
        _ when type == typeof(long) => 7L + (current is 7L ? 1 : 0),
        _ when type == typeof(float) => current is 0.37f ? 0.38f : 0.37f,
        _ when type == typeof(bool) => current is not true,
        _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current)),
        _ => throw new NotSupportedException($"no test value for {type}"),
    };
}
