using System.CommandLine;

namespace Aevb.Cli.Commands;

/// <summary><c>aevb data</c> (placeholder until its issue lands).</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Not implemented yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("aevb data: not implemented yet.");
            return 2;
        });
        return command;
    }
}
