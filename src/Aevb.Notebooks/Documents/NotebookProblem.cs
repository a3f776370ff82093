namespace Aevb.Notebooks.Documents;

/// <summary>Something wrong with a notebook, located by cell (1-based, all cells counted) and line within the cell.</summary>
public sealed record NotebookProblem(int? CellNumber, int? Line, string Message, bool Fixable = false)
{
    /// <summary>"cell 3, line 2: message" (or just the message for notebook-level problems).</summary>
    public override string ToString()
        => CellNumber is int c
            ? (Line is int l ? $"cell {c}, line {l}: {Message}" : $"cell {c}: {Message}")
            : Message;
}
