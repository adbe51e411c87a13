/** rivulet/testing: the deterministic streaming test harness (Spark's StreamTest) and ManualClock. */
export { ManualClock } from '../runtime/clock.js';
export {
  testStream,
  AddData,
  MultiAddData,
  CheckAnswer,
  CheckNewAnswer,
  CheckLastBatch,
  AdvanceManualClock,
  StopStream,
  StartStream,
  AssertOnQuery,
  ExpectFailure,
  compareRows,
  type StreamAction,
  type ExpectedRow,
  type StartStreamOptions,
} from './test-stream.js';
export { checkSourceContract, checkSinkContract } from './conformance.js';
