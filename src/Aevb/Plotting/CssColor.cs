using System.Globalization;
using System.Text.RegularExpressions;

namespace Aevb.Plotting;

/// <summary>Just enough CSS colour parsing to make a translucent fill from a line colour.</summary>
internal static partial class CssColor
{
    /// <summary>
    /// "#rgb", "#rrggbb" or "rgb(r, g, b)" as "rgba(r,g,b,alpha)"; false for anything else
    /// (named colours), where the caller falls back to trace opacity.
    /// </summary>
    public static bool TryWithAlpha(string color, double alpha, out string rgba)
    {
        rgba = "";
        var c = color.Trim();
        int r, g, b;
        if (c.StartsWith('#') && (c.Length == 4 || c.Length == 7) && c[1..].All(char.IsAsciiHexDigit))
        {
            if (c.Length == 4)
            {
                r = Convert.ToInt32(new string(c[1], 2), 16);
                g = Convert.ToInt32(new string(c[2], 2), 16);
                b = Convert.ToInt32(new string(c[3], 2), 16);
            }
            else
            {
                r = Convert.ToInt32(c[1..3], 16);
                g = Convert.ToInt32(c[3..5], 16);
                b = Convert.ToInt32(c[5..7], 16);
            }
        }
        else if (RgbPattern().Match(c) is { Success: true } m)
        {
            r = Math.Min(255, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            g = Math.Min(255, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            b = Math.Min(255, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
        else return false;
        rgba = string.Create(CultureInfo.InvariantCulture, $"rgba({r},{g},{b},{alpha})");
        return true;
    }

    [GeneratedRegex(@"^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex RgbPattern();
}
