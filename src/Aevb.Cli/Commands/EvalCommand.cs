using System.CommandLine;

namespace Aevb.Cli.Commands;

/// <summary><c>aevb eval</c> (placeholder until its issue lands).</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Not implemented yet.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("aevb eval: not implemented yet.");
            return 2;
        });
        return command;
    }
}
