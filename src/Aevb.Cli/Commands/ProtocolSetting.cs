using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using Aevb.Training.Runs;
using Parts = (System.CommandLine.Option Option, System.Func<System.CommandLine.ParseResult, object?> Parse,
    System.Func<object, string?> Format);

namespace Aevb.Cli.Commands;

/// <summary>
/// One <see cref="FigureProtocol"/> setting on the command line, built from its property and that property's
/// <see cref="ProtocolOptionAttribute"/>: the option (name, help, check), how a parsed value sets the protocol, and
/// how a protocol writes it back as arguments (<c>--list-runs</c>). Nothing here names a setting.
/// </summary>
internal sealed record ProtocolSetting(PropertyInfo Property, Option Option, Func<ParseResult, object?> Parse,
    Func<object, string?> Format)
{
    /// <summary>Sets the protocol <paramref name="p"/> (a fresh one the caller is building) when the option was
    /// given.</summary>
    public void Read(ParseResult r, FigureProtocol p)
    {
        if (Parse(r) is { } value) Property.SetValue(p, value);
    }

    /// <summary>The arguments that give <paramref name="p"/>'s value (null when it keeps the plan's).</summary>
    public string? Write(FigureProtocol p) => Property.GetValue(p) is { } value ? Format(value) : null;

    /// <summary>The setting of <paramref name="property"/>: its kind follows from the property's type.</summary>
    public static ProtocolSetting For(PropertyInfo property, ProtocolOptionAttribute o)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var (option, parse, format) = type switch
        {
            _ when type == typeof(bool) => (o.No, o.Yes) switch
            {
                (null, null) => Switch(o),
                ({ } no, { } yes) => Choice(o, no, yes),
                _ => throw new InvalidOperationException($"{o.Name}: a choice of two words needs both No and Yes."),
            },
            _ when type.IsEnum => Word(o, type),
            _ when type == typeof(float) => Number<float>(o),
            _ when type == typeof(int) => Number<int>(o),
            _ when type == typeof(long) => Number<long>(o),
            _ => throw new NotSupportedException($"FigureProtocol.{property.Name}: no option for a {type.Name}."),
        };
        return new ProtocolSetting(property, option, parse, format);
    }

    /// <summary>A number, checked on the text against the attribute's bounds (when it has any).</summary>
    private static Parts Number<T>(ProtocolOptionAttribute o)
        where T : struct, INumber<T>
    {
        var option = new Option<T?>(o.Name) { HelpName = o.HelpName, Description = o.Description };
        if (o.IsChecked)
            option.Validators.Add(r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (text is not null && !(T.TryParse(text, CultureInfo.InvariantCulture, out var v)
                                          && o.Accepts(double.CreateTruncating(v))))
                    r.AddError($"{o.Name}: '{text}' is not {o.Must}.");
            });
        return (option, r => r.GetValue(option),
            v => $" {o.Name} {((T)v).ToString(null, CultureInfo.InvariantCulture)}");
    }

    /// <summary>One of two words: <paramref name="no"/> sets false, <paramref name="yes"/> true.</summary>
    private static Parts Choice(ProtocolOptionAttribute o, string no, string yes)
    {
        var option = new Option<string?>(o.Name) { HelpName = $"{no}|{yes}", Description = o.Description };
        option.AcceptOnlyFromAmong(no, yes);
        return (option, r => r.GetValue(option) is { } word ? word == yes : null,
            v => $" {o.Name} {((bool)v ? yes : no)}");
    }

    /// <summary>One value of an enum, named on the command line by its lower-case name.</summary>
    private static Parts Word(ProtocolOptionAttribute o, Type type)
    {
        var words = Enum.GetNames(type).Select(n => n.ToLowerInvariant()).ToArray();
        var option = new Option<string?>(o.Name) { HelpName = string.Join('|', words), Description = o.Description };
        option.AcceptOnlyFromAmong(words);
        return (option,
            r => r.GetValue(option) is { } word ? Enum.Parse(type, word, ignoreCase: true) : null,
            v => $" {o.Name} {v.ToString()!.ToLowerInvariant()}");
    }

    /// <summary>A switch: given, it sets the protocol; written back only when set.</summary>
    private static Parts Switch(ProtocolOptionAttribute o)
    {
        var option = new Option<bool>(o.Name) { Description = o.Description };
        return (option, r => r.GetValue(option) ? true : null, v => (bool)v ? $" {o.Name}" : null);
    }
}
