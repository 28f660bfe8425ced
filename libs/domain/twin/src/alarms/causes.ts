/** The alarm causes of the twin (a leaf module: the prediction code imports them too). */

/** Limit alarms: temperature, pressure, any metric limit of the profile (the profile's `cause`). */
export const THRESHOLD_EXCEEDED = 'THRESHOLD_EXCEEDED';
/** ISO 10816-3 vibration zones C (MEDIUM, WARNING) and D (HIGH, ALARM). */
export const VIBRATION_HIGH = 'VIBRATION_HIGH';
/** No applied reading for staleAfterSeconds: MEDIUM, OFFLINE. */
export const NO_DATA = 'NO_DATA';
/** The pseudo-metric of a NO_DATA condition: seconds since the last applied reading was received. */
export const DATA_AGE_METRIC = 'dataAgeSeconds';
