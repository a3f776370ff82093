using System.CommandLine;

namespace Aevb.Cli.Commands;

/// <summary><c>aevb notebook</c> (placeholder until its issue lands).</summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook", "Not implemented yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("aevb notebook: not implemented yet.");
            return 2;
        });
        return command;
    }
}
