using System.CommandLine;

namespace Aevb.Cli.Commands;

/// <summary><c>aevb bench</c> (placeholder until its issue lands).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Not implemented yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("aevb bench: not implemented yet.");
            return 2;
        });
        return command;
    }
}
