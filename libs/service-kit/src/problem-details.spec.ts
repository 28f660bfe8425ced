import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { ContractViolation } from '@twinline/contracts';
import { DomainError, toProblem } from './problem-details';

describe('toProblem', () => {
  it('maps a ContractViolation to 400 with every field error', () => {
    const errors = [
      { field: 'readings.0.seq', message: 'seq must be a number' },
      { field: 'readings.0.ts', message: 'must be an ISO 8601 date-time with offset, e.g. 2024-01-01T00:00:00Z' },
    ];
    const violation = new ContractViolation('telemetry batch', errors);
    expect(toProblem(violation, '/v1/telemetry')).toEqual({
      type: 'https://twinline.dev/problems/contract-invalid',
      title: 'Bad Request',
      status: 400,
      detail: violation.message,
      code: 'CONTRACT.INVALID',
      instance: '/v1/telemetry',
      errors,
    });
    expect(violation.message).toBe('telemetry batch is invalid: readings.0.seq: seq must be a number; readings.0.ts: must be an ISO 8601 date-time with offset, e.g. 2024-01-01T00:00:00Z');
  });

  it('maps a DomainError to its own status and stable code, with its details', () => {
    const error = new DomainError('TWIN.NOT_FOUND', 'no twin for asset P-9: it has not reported any accepted reading', 404, { assetId: 'P-9' });
    expect(toProblem(error, '/v1/assets/P-9')).toEqual({
      type: 'https://twinline.dev/problems/twin-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'no twin for asset P-9: it has not reported any accepted reading',
      code: 'TWIN.NOT_FOUND',
      instance: '/v1/assets/P-9',
      assetId: 'P-9',
    });
  });

  it('gives a DomainError without a status 400, and leaves instance out when there is none', () => {
    const problem = toProblem(new DomainError('TWIN.INVALID_PROFILES', 'threshold profiles are invalid'));
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', code: 'TWIN.INVALID_PROFILES' });
    expect(problem).not.toHaveProperty('instance');
  });

  it.each([
    [new NotFoundException('asset P-9 not found'), 404, 'Not Found', 'asset P-9 not found'],
    [new ForbiddenException('not yours'), 403, 'Forbidden', 'not yours'],
    [new HttpException('precondition failed: revision 3 is stale', 412), 412, 'Precondition Failed', 'precondition failed: revision 3 is stale'],
    [new HttpException({ message: 'slow down' }, 429), 429, 'Error', 'slow down'],
    [new BadRequestException(['limit must be a number', 'after must be a position']), 400, 'Bad Request', 'limit must be a number; after must be a position'],
  ])('maps %s to its status with code HTTP.<status>', (error, status, title, detail) => {
    expect(toProblem(error)).toEqual({ type: `https://twinline.dev/problems/http-${status}`, title, status, detail, code: `HTTP.${status}` });
  });

  it('maps a fastify body-too-large error to 413 naming the body', () => {
    const error = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(toProblem(error, '/v1/telemetry')).toEqual({
      type: 'https://twinline.dev/problems/http-fst-err-ctp-body-too-large',
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      code: 'HTTP.FST_ERR_CTP_BODY_TOO_LARGE',
      instance: '/v1/telemetry',
      errors: [{ field: '(body)', message: 'Request body is too large' }],
    });
  });

  it('maps a fastify wrong-content-type error to 415 naming the content-type header', () => {
    const error = { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: "Unsupported Media Type: text/csv" };
    expect(toProblem(error)).toMatchObject({ status: 415, title: 'Unsupported Media Type', code: 'HTTP.FST_ERR_CTP_INVALID_MEDIA_TYPE', errors: [{ field: 'content-type', message: 'Unsupported Media Type: text/csv' }] });
  });

  it.each([
    ['an Error', new Error('connect ECONNREFUSED postgres://admin:s3cret@db:5432')],
    ['an error with a 5xx statusCode', Object.assign(new Error('upstream said s3cret'), { statusCode: 502 })],
    ['a thrown string', 's3cret'],
    ['null', null],
    ['undefined', undefined],
  ])('maps %s to 500 without leaking its message', (_what, error) => {
    const problem = toProblem(error, '/v1/assets');
    expect(problem).toEqual({
      type: 'https://twinline.dev/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'internal error; the request was not completed, retry later',
      code: 'INTERNAL',
      instance: '/v1/assets',
    });
    expect(JSON.stringify(problem)).not.toContain('s3cret');
  });
  it('lets details add members but never replace status, code, type or detail', () => {
    const p = toProblem(new DomainError('TWIN.NOT_FOUND', 'no twin', 404, { status: 'ALARM', code: 'X', assetId: 'P-101' }));
    expect(p).toMatchObject({ status: 404, code: 'TWIN.NOT_FOUND', detail: 'no twin', assetId: 'P-101' });
  });
});
