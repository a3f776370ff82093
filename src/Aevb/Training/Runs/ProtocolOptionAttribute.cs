namespace Aevb.Training.Runs;

/// <summary>
/// A <see cref="FigureProtocol"/> setting's command-line option: its name, help, and which values it accepts.
/// <c>aevb reproduce</c> builds the option, its check, how a parsed value sets the protocol and how a protocol is
/// written back (<c>--list-runs</c>) from this alone, so a setting is one annotated property and nothing else. What
/// kind of option it is follows from the property's type: a number (<see cref="HelpName"/>, checked against
/// <see cref="Above"/> and <see cref="Below"/>), an enum (one of its names in lower case), a yes/no setting given as
/// one of two words (<see cref="No"/>, <see cref="Yes"/>) or, without them, a switch that sets it when given.
/// </summary>
/// <remarks>
/// The check is the option's, not the run's: <see cref="RunSettings.Validate"/> still checks every run's settings,
/// some with other bounds (an initialisation of zero is a valid run; Appendix D needs more HMC samples than the
/// latent size), so the command line refuses what an ablation should never ask for before any plan is made.
/// </remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProtocolOptionAttribute(string name, string description) : Attribute
{
    /// <summary>The option, e.g. <c>--lr</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The option's help text.</summary>
    public string Description { get; } = description;

    /// <summary>A number's placeholder in the help (<c>--lr &lt;RATE&gt;</c>).</summary>
    public string? HelpName { get; set; }

    /// <summary>A number must lie above this (exclusive); NaN and infinities never pass a check.</summary>
    public double Above { get; set; } = double.NegativeInfinity;

    /// <summary>A number must lie below this (exclusive).</summary>
    public double Below { get; set; } = double.PositiveInfinity;

    /// <summary>What an accepted number is, as the error says it (<c>a positive number</c>).</summary>
    public string? Must { get; set; }

    /// <summary>The word that sets a yes/no setting to false (with <see cref="Yes"/>; a bool without either is a
    /// switch).</summary>
    public string? No { get; set; }

    /// <summary>The word that sets a yes/no setting to true.</summary>
    public string? Yes { get; set; }

    /// <summary>Whether a number is checked at all (with neither bound, any value of its type is taken).</summary>
    public bool IsChecked => Above > double.NegativeInfinity || Below < double.PositiveInfinity;

    /// <summary>Whether <paramref name="value"/> lies strictly between <see cref="Above"/> and
    /// <see cref="Below"/>.</summary>
    public bool Accepts(double value) => value > Above && value < Below && double.IsFinite(value);
}
