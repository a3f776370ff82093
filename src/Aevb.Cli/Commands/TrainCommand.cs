using System.CommandLine;

namespace Aevb.Cli.Commands;

/// <summary><c>aevb train</c> (placeholder until its issue lands).</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Not implemented yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("aevb train: not implemented yet.");
            return 2;
        });
        return command;
    }
}
