using System.CommandLine;
using System.Globalization;
using Aevb.Training.Runs;

namespace Aevb.Cli.Commands;

/// <summary>
/// One <see cref="FigureProtocol"/> setting on the command line: its option (name, help, check), how a parsed
/// value sets the protocol, and how a protocol writes it back as arguments (<c>--list-runs</c>). A new protocol
/// setting is one entry in <see cref="ProtocolOptions"/>.
/// </summary>
internal sealed record ProtocolSetting(
    Option Option,
    Func<ParseResult, FigureProtocol, FigureProtocol> Read,
    Func<FigureProtocol, string?> Write)
{
    /// <summary>A number; <paramref name="valid"/> (null: any) is checked on the text, with <paramref name="what"/>
    /// saying what it must be.</summary>
    public static ProtocolSetting Number<T>(string name, string helpName, string description, Func<T, bool>? valid,
        string what, Func<FigureProtocol, T, FigureProtocol> set, Func<FigureProtocol, T?> get)
        where T : struct, IParsable<T>, IFormattable
    {
        var option = new Option<T?>(name) { HelpName = helpName, Description = description };
        if (valid is not null)
            option.Validators.Add(r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (text is not null && !(T.TryParse(text, CultureInfo.InvariantCulture, out var v) && valid(v)))
                    r.AddError($"{name}: '{text}' is not {what}.");
            });
        return new ProtocolSetting(option,
            (r, p) => r.GetValue(option) is { } v ? set(p, v) : p,
            p => get(p) is { } v ? $" {name} {v.ToString(null, CultureInfo.InvariantCulture)}" : null);
    }

    /// <summary>One of two words: <paramref name="no"/> sets false, <paramref name="yes"/> true.</summary>
    public static ProtocolSetting Choice(string name, string no, string yes, string description,
        Func<FigureProtocol, bool, FigureProtocol> set, Func<FigureProtocol, bool?> get)
    {
        var option = new Option<string?>(name) { HelpName = $"{no}|{yes}", Description = description };
        option.AcceptOnlyFromAmong(no, yes);
        return new ProtocolSetting(option,
            (r, p) => r.GetValue(option) is { } word ? set(p, word == yes) : p,
            p => get(p) is { } v ? $" {name} {(v ? yes : no)}" : null);
    }

    /// <summary>One value of an enum, named on the command line by its lower-case name.</summary>
    public static ProtocolSetting Word<T>(string name, string description, Func<FigureProtocol, T, FigureProtocol> set,
        Func<FigureProtocol, T?> get)
        where T : struct, Enum
    {
        var words = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<string?>(name) { HelpName = string.Join('|', words), Description = description };
        option.AcceptOnlyFromAmong(words);
        return new ProtocolSetting(option,
            (r, p) => r.GetValue(option) is { } word ? set(p, Enum.Parse<T>(word, ignoreCase: true)) : p,
            p => get(p) is { } v ? $" {name} {v.ToString().ToLowerInvariant()}" : null);
    }

    /// <summary>A switch: given, it sets the protocol; written back only when set.</summary>
    public static ProtocolSetting Flag(string name, string description, Func<FigureProtocol, FigureProtocol> set,
        Func<FigureProtocol, bool> isSet)
    {
        var option = new Option<bool>(name) { Description = description };
        return new ProtocolSetting(option, (r, p) => r.GetValue(option) ? set(p) : p,
            p => isSet(p) ? $" {name}" : null);
    }
}
