import type { DataFrame } from '../api/dataframe.js';
import type { Row } from '../expr/registry.js';

/**
 * The internal rows of a micro-batch DataFrame handed to a sink. Engine-built batch frames
 * are a LocalRelation, read directly; anything else is executed.
 */
export function batchRows(df: DataFrame): Row[] {
  const p = df.plan;
  if (p.node === 'LocalRelation') return p.rows as Row[];
  return df.executeInternal();
}
